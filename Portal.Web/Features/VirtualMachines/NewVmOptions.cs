using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Subscriptions;
using Portal.Data;
using Portal.Web.Features.Gallery;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>What a subscription's plan offers a new VM: its active templates, its sizes and whether it may be shielded.</summary>
public sealed record NewVmOptionsDto(
    Guid SubscriptionId, string PlanName, bool AllowShieldedVms, IReadOnlyList<TemplateDto> Templates, IReadOnlyList<HardwareProfileDto> Sizes);

/// <summary>
/// The choices of the new-VM wizard for one of the tenant's subscriptions, whatever the plan's visibility (a provider
/// may have subscribed the tenant to a private plan). Another tenant's subscription reads as not found.
/// </summary>
public sealed class NewVmOptions(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<NewVmOptionsDto> ForSubscriptionAsync(Guid tenantId, Guid subscriptionId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.AsNoTracking()
            .SingleOrDefaultAsync(s => s.Id == subscriptionId && s.TenantId == tenantId && s.State != SubscriptionState.Deleted, ct)
            ?? throw new NotFoundException("Subscription", subscriptionId);
        var plan = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == subscription.PlanId, ct);
        var templateIds = plan.OfferedTemplateIds.ToList();
        var profileIds = plan.OfferedHardwareProfileIds.ToList();
        var templates = await db.VmTemplates.AsNoTracking().Where(t => templateIds.Contains(t.Id) && t.IsActive).ToListAsync(ct);
        var sizes = await db.HardwareProfiles.AsNoTracking().Where(p => profileIds.Contains(p.Id)).ToListAsync(ct);
        return new NewVmOptionsDto(
            subscription.Id, plan.Name, plan.AllowShieldedVms,
            [.. templates.OrderBy(t => t.Name).Select(t => t.ToDto())],
            [.. sizes.OrderBy(s => s.Vcpus).ThenBy(s => s.MemoryGiB).Select(s => s.ToDto())]);
    }
}
