using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;
using Portal.Core.VirtualMachines;
using Portal.Data;

namespace Portal.Web.Features.Plans;

/// <summary>The provider's plans. Every change is audited in the same save.</summary>
public sealed class PlanService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<PlanDto>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plans = await db.Plans.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        return await ToDtosAsync(db, plans, ct);
    }

    public async Task<PlanDto> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("Plan", id);
        return (await ToDtosAsync(db, [plan], ct))[0];
    }

    public async Task<PlanDto> CreateAsync(PlanRequest request, AuditActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var plan = Plan.Create(request.Name ?? "", request.Description, ToLimits(request.Quota), request.AllowShieldedVms,
            request.InvitationCode, request.MaxSubscriptionsPerTenant, now);
        plan.SetOfferings(request.TemplateIds ?? [], request.HardwareProfileIds ?? []);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureValidAsync(db, plan, ct);
        db.Plans.Add(plan);
        db.AuditEntries.Add(AuditEntry.Record(actor, "plan.created", Target(plan), null, now));
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync(db, [plan], ct))[0];
    }

    /// <summary>Changes a plan; new quotas apply to its subscriptions at once (usage is never rewritten).</summary>
    public async Task<PlanDto> UpdateAsync(Guid id, PlanRequest request, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await FindAsync(db, id, ct);
        plan.Update(request.Name ?? "", request.Description, ToLimits(request.Quota), request.AllowShieldedVms,
            request.InvitationCode, request.MaxSubscriptionsPerTenant);
        plan.SetOfferings(request.TemplateIds ?? [], request.HardwareProfileIds ?? []);
        await EnsureValidAsync(db, plan, ct);
        db.AuditEntries.Add(AuditEntry.Record(actor, "plan.updated", Target(plan), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync(db, [plan], ct))[0];
    }

    public async Task<PlanDto> CloneAsync(Guid id, string? newName, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var source = await FindAsync(db, id, ct);
        var now = time.GetUtcNow();
        var clone = source.CloneAs(string.IsNullOrWhiteSpace(newName) ? $"{source.Name} (copy)" : newName, now);
        await EnsureValidAsync(db, clone, ct);
        db.Plans.Add(clone);
        db.AuditEntries.Add(AuditEntry.Record(actor, "plan.cloned", $"{Target(clone)} from {Target(source)}", null, now));
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync(db, [clone], ct))[0];
    }

    public Task<PlanDto> PublishAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "plan.published", p => p.Publish(), actor, ct);

    public Task<PlanDto> MakePrivateAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "plan.made-private", p => p.MakePrivate(), actor, ct);

    public Task<PlanDto> DecommissionAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "plan.decommissioned", p => p.Decommission(), actor, ct);

    public Task<PlanDto> ReopenAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "plan.reopened", p => p.Reopen(), actor, ct);

    /// <summary>Deletes a plan that never had a subscription; a used plan can only be decommissioned.</summary>
    public async Task DeleteAsync(Guid id, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await FindAsync(db, id, ct);
        var subscriptions = await db.Subscriptions.CountAsync(s => s.PlanId == id, ct);
        if (subscriptions > 0)
        {
            throw new StateConflictException(
                $"Plan '{plan.Name}' has {subscriptions} subscription(s) and cannot be deleted; decommission it instead.");
        }

        db.Plans.Remove(plan);
        db.AuditEntries.Add(AuditEntry.Record(actor, "plan.deleted", Target(plan), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }

    private async Task<PlanDto> ChangeStateAsync(
        Guid id, string action, Action<Plan> change, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var plan = await FindAsync(db, id, ct);
        change(plan);
        db.AuditEntries.Add(AuditEntry.Record(actor, action, Target(plan), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync(db, [plan], ct))[0];
    }

    private static async Task<Plan> FindAsync(PortalDbContext db, Guid id, CancellationToken ct) =>
        await db.Plans.SingleOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("Plan", id);

    private static QuotaLimits ToLimits(QuotaDto? quota) => quota?.ToLimits() ?? QuotaLimits.Unlimited;

    private static async Task EnsureValidAsync(PortalDbContext db, Plan plan, CancellationToken ct)
    {
        if (await db.Plans.AnyAsync(p => p.Name == plan.Name && p.Id != plan.Id, ct))
        {
            throw DomainValidationException.For("Name", $"A plan named '{plan.Name}' already exists.");
        }

        var templateIds = plan.OfferedTemplateIds.ToList();
        if (await db.VmTemplates.CountAsync(t => templateIds.Contains(t.Id), ct) != templateIds.Count)
        {
            throw DomainValidationException.For("TemplateIds", "One or more templates do not exist.");
        }

        var profileIds = plan.OfferedHardwareProfileIds.ToList();
        if (await db.HardwareProfiles.CountAsync(p => profileIds.Contains(p.Id), ct) != profileIds.Count)
        {
            throw DomainValidationException.For("HardwareProfileIds", "One or more hardware profiles do not exist.");
        }
    }

    private static async Task<IReadOnlyList<PlanDto>> ToDtosAsync(PortalDbContext db, IReadOnlyList<Plan> plans, CancellationToken ct)
    {
        var ids = plans.Select(p => p.Id).ToList();
        var counts = await db.Subscriptions.AsNoTracking()
            .Where(s => ids.Contains(s.PlanId) && s.State != SubscriptionState.Deleted)
            .GroupBy(s => s.PlanId)
            .Select(g => new { PlanId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.PlanId, x => x.Count, ct);
        var usage = await db.VirtualMachines.AsNoTracking()
            .Where(v => v.State != VmState.Deleted)
            .Join(db.Subscriptions.Where(s => ids.Contains(s.PlanId)), v => v.SubscriptionId, s => s.Id,
                (v, s) => new { s.PlanId, v.Resources.Vms, v.Resources.Vcpus, v.Resources.MemoryGiB, v.Resources.StorageGiB })
            .GroupBy(x => x.PlanId)
            .Select(g => new
            {
                PlanId = g.Key,
                Vms = g.Sum(x => x.Vms),
                Vcpus = g.Sum(x => x.Vcpus),
                MemoryGiB = g.Sum(x => x.MemoryGiB),
                StorageGiB = g.Sum(x => x.StorageGiB),
            })
            .ToDictionaryAsync(x => x.PlanId, x => new ResourceAmount(x.Vms, x.Vcpus, x.MemoryGiB, x.StorageGiB), ct);
        return [.. plans.Select(p => new PlanDto(
            p.Id, p.Name, p.Description, p.State, QuotaDto.From(p.Quota), p.AllowShieldedVms, p.InvitationCode,
            p.MaxSubscriptionsPerTenant, [.. p.OfferedTemplateIds], [.. p.OfferedHardwareProfileIds], p.CreatedAt,
            counts.GetValueOrDefault(p.Id), usage.GetValueOrDefault(p.Id) ?? ResourceAmount.Zero, p.Version))];
    }

    private static string Target(Plan p) => $"plan:{p.Id} ({p.Name})";
}
