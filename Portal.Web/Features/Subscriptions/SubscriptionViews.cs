using Microsoft.EntityFrameworkCore;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;
using Portal.Data;
using Portal.Data.Quotas;

namespace Portal.Web.Features.Subscriptions;

/// <summary>Builds subscription answers in a few queries, with quota and usage read fresh.</summary>
internal static class SubscriptionViews
{
    public static async Task<IReadOnlyList<SubscriptionDto>> ToDtosAsync(
        this PortalDbContext db, IReadOnlyList<Subscription> subscriptions, bool forAdmin, CancellationToken ct)
    {
        var planIds = subscriptions.Select(s => s.PlanId).Distinct().ToList();
        var tenantIds = subscriptions.Select(s => s.TenantId).Distinct().ToList();
        var plans = await db.Plans.AsNoTracking().Where(p => planIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var tenants = await db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var held = await db.AddOnsHeldByAsync(subscriptions, ct);
        var linked = await db.AddOns.AsNoTracking()
            .Where(a => a.State != PlanState.Decommissioned && a.PlanLinks.Any(l => planIds.Contains(l.PlanId)))
            .OrderBy(a => a.Name)
            .ToListAsync(ct);
        var usage = await db.LiveUsageAsync([.. subscriptions.Select(s => s.Id)], ct);

        return [.. subscriptions.Select(s =>
        {
            var plan = plans[s.PlanId];
            var quota = s.EffectiveQuota(plan, held);
            return new SubscriptionDto(
                s.Id, s.TenantId, tenants.GetValueOrDefault(s.TenantId, ""), s.PlanId, plan.Name, s.DisplayName, s.State,
                s.CreatedAt, s.StateChangedAt,
                [.. s.AddOns.Select(h => new HeldAddOnDto(h.AddOnId, held[h.AddOnId].Name, h.Count, held[h.AddOnId].Extra))],
                QuotaUsage.For(quota, usage[s.Id]),
                [.. linked
                    .Where(a => a.IsLinkedTo(s.PlanId) && a.CanAdd(forAdmin).IsAllowed)
                    .Select(a => new AvailableAddOnDto(
                        a.Id, a.Name, a.Description, a.Extra, a.MaxPerSubscription, s.AddOnCount(a.Id), a.State))],
                s.Version);
        })];
    }
}
