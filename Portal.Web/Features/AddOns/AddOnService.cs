using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Data;

namespace Portal.Web.Features.AddOns;

/// <summary>The provider's add-ons (quota packs). Every change is audited in the same save.</summary>
public sealed class AddOnService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<AddOnDto>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var addOns = await db.AddOns.AsNoTracking().OrderBy(a => a.Name).ToListAsync(ct);
        return await ToDtosAsync(db, addOns, ct);
    }

    public async Task<AddOnDto> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var addOn = await db.AddOns.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct)
            ?? throw new NotFoundException("Add-on", id);
        return (await ToDtosAsync(db, [addOn], ct))[0];
    }

    public async Task<AddOnDto> CreateAsync(AddOnRequest request, AuditActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var addOn = AddOn.Create(request.Name ?? "", request.Description, request.Extra ?? ResourceAmount.Zero,
            request.MaxPerSubscription, now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await SetPlansAsync(db, addOn, request.PlanIds ?? [], ct);
        await EnsureNameFreeAsync(db, addOn, ct);
        db.AddOns.Add(addOn);
        db.AuditEntries.Add(AuditEntry.Record(actor, "add-on.created", Target(addOn), null, now));
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync(db, [addOn], ct))[0];
    }

    public async Task<AddOnDto> UpdateAsync(Guid id, AddOnRequest request, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var addOn = await FindAsync(db, id, ct);
        addOn.Update(request.Name ?? "", request.Description, request.Extra ?? ResourceAmount.Zero, request.MaxPerSubscription);
        await SetPlansAsync(db, addOn, request.PlanIds ?? [], ct);
        await EnsureNameFreeAsync(db, addOn, ct);
        db.AuditEntries.Add(AuditEntry.Record(actor, "add-on.updated", Target(addOn), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync(db, [addOn], ct))[0];
    }

    public Task<AddOnDto> PublishAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "add-on.published", a => a.Publish(), actor, ct);

    public Task<AddOnDto> MakePrivateAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "add-on.made-private", a => a.MakePrivate(), actor, ct);

    public Task<AddOnDto> DecommissionAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeStateAsync(id, "add-on.decommissioned", a => a.Decommission(), actor, ct);

    /// <summary>Deletes an add-on no subscription holds; a held one can only be decommissioned.</summary>
    public async Task DeleteAsync(Guid id, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var addOn = await FindAsync(db, id, ct);
        var holders = await db.Subscriptions.CountAsync(s => s.AddOns.Any(h => h.AddOnId == id), ct);
        if (holders > 0)
        {
            throw new StateConflictException(
                $"Add-on '{addOn.Name}' is held by {holders} subscription(s) and cannot be deleted; decommission it instead.");
        }

        db.AddOns.Remove(addOn);
        db.AuditEntries.Add(AuditEntry.Record(actor, "add-on.deleted", Target(addOn), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }

    private async Task<AddOnDto> ChangeStateAsync(
        Guid id, string action, Action<AddOn> change, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var addOn = await FindAsync(db, id, ct);
        change(addOn);
        db.AuditEntries.Add(AuditEntry.Record(actor, action, Target(addOn), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return (await ToDtosAsync(db, [addOn], ct))[0];
    }

    private static async Task SetPlansAsync(PortalDbContext db, AddOn addOn, IReadOnlyList<Guid> planIds, CancellationToken ct)
    {
        var wanted = planIds.Distinct().ToList();
        if (await db.Plans.CountAsync(p => wanted.Contains(p.Id), ct) != wanted.Count)
        {
            throw DomainValidationException.For("PlanIds", "One or more plans do not exist.");
        }

        foreach (var planId in addOn.PlanIds.Except(wanted).ToList())
        {
            addOn.Unlink(planId);
        }

        foreach (var planId in wanted)
        {
            addOn.Link(planId);
        }
    }

    private static async Task EnsureNameFreeAsync(PortalDbContext db, AddOn addOn, CancellationToken ct)
    {
        if (await db.AddOns.AnyAsync(a => a.Name == addOn.Name && a.Id != addOn.Id, ct))
        {
            throw DomainValidationException.For("Name", $"An add-on named '{addOn.Name}' already exists.");
        }
    }

    private static async Task<AddOn> FindAsync(PortalDbContext db, Guid id, CancellationToken ct) =>
        await db.AddOns.SingleOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("Add-on", id);

    private static async Task<IReadOnlyList<AddOnDto>> ToDtosAsync(PortalDbContext db, IReadOnlyList<AddOn> addOns, CancellationToken ct)
    {
        var ids = addOns.Select(a => a.Id).ToList();
        var held = await db.Subscriptions.AsNoTracking()
            .SelectMany(s => s.AddOns)
            .Where(h => ids.Contains(h.AddOnId))
            .GroupBy(h => h.AddOnId)
            .Select(g => new { AddOnId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.AddOnId, x => x.Count, ct);
        return [.. addOns.Select(a => new AddOnDto(
            a.Id, a.Name, a.Description, a.Extra, a.MaxPerSubscription, a.State, [.. a.PlanIds], a.CreatedAt,
            held.GetValueOrDefault(a.Id), a.Version))];
    }

    private static string Target(AddOn a) => $"add-on:{a.Id} ({a.Name})";
}
