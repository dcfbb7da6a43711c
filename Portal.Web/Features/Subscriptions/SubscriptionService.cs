using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Subscriptions;
using Portal.Core.Tenants;
using Portal.Core.VirtualMachines;
using Portal.Data;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Subscriptions;

/// <summary>
/// Subscriptions for tenants (their own only: another tenant's is "not found") and for the provider.
/// Every change is audited in the same save.
/// </summary>
public sealed class SubscriptionService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<SubscriptionDto>> ListForTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscriptions = await db.Subscriptions.AsNoTracking()
            .Where(s => s.TenantId == tenantId && s.State != SubscriptionState.Deleted)
            .OrderBy(s => s.CreatedAt)
            .ToListAsync(ct);
        return await db.ToDtosAsync(subscriptions, forAdmin: false, ct);
    }

    /// <summary>What subscription lists may be ordered by; oldest first unless asked.</summary>
    public static readonly SortFields<Subscription> Orders = SortFields<Subscription>
        .By("createdAt", s => s.CreatedAt, s => s.Id).And("displayName", s => s.DisplayName).And("state", s => s.State);

    public async Task<Page<SubscriptionDto>> ListForTenantAsync(Guid tenantId, ListQuery list, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var page = await db.Subscriptions.AsNoTracking()
            .Where(s => s.TenantId == tenantId && s.State != SubscriptionState.Deleted)
            .ToPageAsync(list, Orders, ct);
        return new Page<SubscriptionDto>(await db.ToDtosAsync(page.Items, forAdmin: false, ct), page.Total);
    }

    public async Task<SubscriptionDto> GetForTenantAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.AsNoTracking()
            .SingleOrDefaultAsync(s => s.Id == id && s.TenantId == tenantId, ct)
            ?? throw new NotFoundException("Subscription", id);
        return (await db.ToDtosAsync([subscription], forAdmin: false, ct))[0];
    }

    /// <summary>
    /// Self-service: public plans only. A private plan answers "not found" (tenants cannot see it); a decommissioned
    /// one is a conflict with the reason; a wrong invitation code is a validation error and creates nothing.
    /// </summary>
    public async Task<SubscriptionDto> SubscribeAsync(Guid tenantId, SubscribeRequest request, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.PlanId, ct);
        if (plan is null || plan.State == PlanState.Private)
        {
            throw new NotFoundException("Plan", request.PlanId);
        }

        return await CreateAsync(db, tenantId, plan, request.DisplayName, request.InvitationCode, byAdmin: false, actor, ct);
    }

    public async Task<SubscriptionDto> AddAddOnForTenantAsync(
        Guid tenantId, Guid subscriptionId, Guid addOnId, AuditActor actor, CancellationToken ct) =>
        await AddAddOnAsync(tenantId, subscriptionId, addOnId, byAdmin: false, actor, ct);

    /// <summary>For the portal's pages, which count in page numbers.</summary>
    public Task<Page<SubscriptionDto>> ListAsync(
        Guid? tenantId, Guid? planId, SubscriptionState? state, int page, int pageSize, CancellationToken ct) =>
        ListAsync(tenantId, planId, state, ListQuery.ForPage(page, Math.Clamp(pageSize, 1, ListQuery.MaxTop)), ct);

    public async Task<Page<SubscriptionDto>> ListAsync(
        Guid? tenantId, Guid? planId, SubscriptionState? state, ListQuery list, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Subscriptions.AsNoTracking();
        if (tenantId is { } t)
        {
            query = query.Where(s => s.TenantId == t);
        }

        if (planId is { } p)
        {
            query = query.Where(s => s.PlanId == p);
        }

        if (state is { } st)
        {
            query = query.Where(s => s.State == st);
        }

        var page = await query.ToPageAsync(list, Orders, ct);
        return new Page<SubscriptionDto>(await db.ToDtosAsync(page.Items, forAdmin: true, ct), page.Total);
    }

    public async Task<SubscriptionDto> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new NotFoundException("Subscription", id);
        return (await db.ToDtosAsync([subscription], forAdmin: true, ct))[0];
    }

    /// <summary>The provider subscribes a tenant: any plan that is not decommissioned, no invitation code needed.</summary>
    public async Task<SubscriptionDto> CreateForTenantAsync(AdminSubscribeRequest request, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.PlanId, ct)
            ?? throw DomainValidationException.For(nameof(request.PlanId), "The plan does not exist.");
        if (!await db.Tenants.AnyAsync(t => t.Id == request.TenantId, ct))
        {
            throw DomainValidationException.For(nameof(request.TenantId), "The tenant account does not exist.");
        }

        return await CreateAsync(db, request.TenantId, plan, request.DisplayName, null, byAdmin: true, actor, ct);
    }

    public async Task<SubscriptionDto> AddAddOnForAdminAsync(Guid subscriptionId, Guid addOnId, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Subscriptions.Where(s => s.Id == subscriptionId).Select(s => (Guid?)s.TenantId)
            .SingleOrDefaultAsync(ct) ?? throw new NotFoundException("Subscription", subscriptionId);
        return await AddAddOnAsync(tenantId, subscriptionId, addOnId, byAdmin: true, actor, ct);
    }

    public Task<SubscriptionDto> SuspendAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "subscription.suspended", (s, _, now) => s.Suspend(now), actor, ct);

    public Task<SubscriptionDto> ResumeAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "subscription.resumed", (s, _, now) => s.Resume(now), actor, ct);

    /// <summary>Cancels for good; refused while VMs live in it, so no VM is left without a subscription.</summary>
    public Task<SubscriptionDto> CancelAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "subscription.cancelled", (s, liveVms, now) => s.Cancel(liveVms, now), actor, ct);

    private async Task<SubscriptionDto> CreateAsync(
        PortalDbContext db, Guid tenantId, Plan plan, string? displayName, string? invitationCode, bool byAdmin,
        AuditActor actor, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Serializes this tenant's subscribes, so the per-account maximum holds under concurrent requests.
        await db.LockTenantAsync(tenantId, ct);
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct);
        tenant.EnsureActive();
        var existing = await db.Subscriptions.CountAsync(
            s => s.TenantId == tenantId && s.PlanId == plan.Id && s.State != SubscriptionState.Deleted, ct);
        SubscriptionRules.EnsureCanSubscribe(plan, invitationCode, existing, byAdmin);

        var now = time.GetUtcNow();
        var subscription = Subscription.Create(
            tenantId, plan.Id, string.IsNullOrWhiteSpace(displayName) ? plan.Name : displayName, now);
        db.Subscriptions.Add(subscription);
        db.AuditEntries.Add(AuditEntry.Record(actor, "subscription.created",
            $"{Target(subscription)} on plan:{plan.Id} ({plan.Name})", tenantId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await db.ToDtosAsync([subscription], byAdmin, ct))[0];
    }

    private async Task<SubscriptionDto> AddAddOnAsync(
        Guid tenantId, Guid subscriptionId, Guid addOnId, bool byAdmin, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Two concurrent purchases must not both pass the add-on's per-subscription maximum.
        await db.LockSubscriptionAsync(subscriptionId, ct);
        var subscription = await db.Subscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId && s.TenantId == tenantId, ct)
            ?? throw new NotFoundException("Subscription", subscriptionId);
        await EnsureTenantActiveAsync(db, tenantId, ct);
        var addOn = await db.AddOns.AsNoTracking().SingleOrDefaultAsync(a => a.Id == addOnId, ct);
        if (addOn is null || (!byAdmin && addOn.State == PlanState.Private))
        {
            throw DomainValidationException.For(nameof(AddAddOnRequest.AddOnId), "This add-on does not exist.");
        }

        var now = time.GetUtcNow();
        subscription.AddAddOn(addOn, now, byAdmin);
        db.AuditEntries.Add(AuditEntry.Record(actor, "subscription.add-on-added",
            $"{Target(subscription)} + add-on:{addOn.Id} ({addOn.Name})", tenantId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await db.ToDtosAsync([subscription], byAdmin, ct))[0];
    }

    private async Task<SubscriptionDto> ChangeStateAsync(
        Guid id, string action, Action<Subscription, int, DateTimeOffset> change, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.Subscriptions.SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new NotFoundException("Subscription", id);
        var liveVms = await db.VirtualMachines.CountAsync(v => v.SubscriptionId == id && v.State != VmState.Deleted, ct);
        var now = time.GetUtcNow();
        change(subscription, liveVms, now);
        db.AuditEntries.Add(AuditEntry.Record(actor, action, Target(subscription), subscription.TenantId, now));
        await db.SaveChangesAsync(ct);
        return (await db.ToDtosAsync([subscription], forAdmin: true, ct))[0];
    }

    private static async Task EnsureTenantActiveAsync(PortalDbContext db, Guid tenantId, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == tenantId, ct)
            ?? throw new NotFoundException(nameof(TenantAccount), tenantId);
        tenant.EnsureActive();
    }

    private static string Target(Subscription s) => $"subscription:{s.Id} ({s.DisplayName})";
}
