using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;
using Portal.Core.VirtualMachines;

namespace Portal.Data.Quotas;

/// <summary>Reads a subscription's effective quota and usage, always fresh from the database.</summary>
public static class SubscriptionQuotas
{
    /// <summary>What the live VMs (every state but Deleted, Provisioning included) of each subscription consume.</summary>
    public static async Task<IReadOnlyDictionary<Guid, ResourceAmount>> LiveUsageAsync(
        this PortalDbContext db, IReadOnlyCollection<Guid> subscriptionIds, CancellationToken ct)
    {
        var rows = await db.VirtualMachines.AsNoTracking()
            .Where(v => subscriptionIds.Contains(v.SubscriptionId) && v.State != VmState.Deleted)
            .GroupBy(v => v.SubscriptionId)
            .Select(g => new
            {
                SubscriptionId = g.Key,
                Vms = g.Sum(v => v.Resources.Vms),
                Vcpus = g.Sum(v => v.Resources.Vcpus),
                MemoryGiB = g.Sum(v => v.Resources.MemoryGiB),
                StorageGiB = g.Sum(v => v.Resources.StorageGiB),
            })
            .ToListAsync(ct);
        return subscriptionIds.Distinct().ToDictionary(
            id => id,
            id => rows.Find(r => r.SubscriptionId == id) is { } r
                ? new ResourceAmount(r.Vms, r.Vcpus, r.MemoryGiB, r.StorageGiB)
                : ResourceAmount.Zero);
    }

    public static async Task<ResourceAmount> LiveUsageAsync(this PortalDbContext db, Guid subscriptionId, CancellationToken ct) =>
        (await db.LiveUsageAsync([subscriptionId], ct))[subscriptionId];

    /// <summary>Plan + held add-ons, as they are now: a plan change applies to the next read.</summary>
    public static async Task<QuotaLimits> EffectiveQuotaAsync(this PortalDbContext db, Subscription subscription, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == subscription.PlanId, ct)
            ?? throw new NotFoundException("Plan", subscription.PlanId);
        return subscription.EffectiveQuota(plan, await db.AddOnsHeldByAsync([subscription], ct));
    }

    /// <summary>The add-ons that any of <paramref name="subscriptions"/> hold, by id.</summary>
    public static async Task<IReadOnlyDictionary<Guid, AddOn>> AddOnsHeldByAsync(
        this PortalDbContext db, IEnumerable<Subscription> subscriptions, CancellationToken ct)
    {
        var ids = subscriptions.SelectMany(s => s.AddOns).Select(a => a.AddOnId).Distinct().ToList();
        return ids.Count == 0
            ? new Dictionary<Guid, AddOn>()
            : await db.AddOns.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
    }
}
