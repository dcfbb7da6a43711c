using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Data;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Audit;

/// <summary>Reads the append-only audit log: all of it for providers, one tenant's own part for tenants.</summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    /// <summary>How a tenant sees an act of the provider's people or fabric.</summary>
    public const string ProviderActor = "Provider";

    /// <summary>What the provider sees: every entry as recorded, who and from where.</summary>
    public async Task<Page<AuditEntryDto>> ReadAsync(AuditFilter filter, CancellationToken ct)
    {
        var (page, pageSize) = Bounds(filter);
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var query = db.AuditEntries.AsNoTracking();
        if (filter.TenantId is { } tenantId)
        {
            query = query.Where(a => a.TenantId == tenantId);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim().ToLower();
            query = query.Where(a => a.Action.ToLower().Contains(term)
                || a.Target.ToLower().Contains(term)
                || a.ActorName.ToLower().Contains(term));
        }

        var total = await query.CountAsync(ct);
        var items = await query
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .Select(a => new AuditEntryDto(a.Id, a.At, a.ActorName, a.Action, a.Target, a.RemoteAddress, a.TenantId,
                db.Tenants.Where(t => t.Id == a.TenantId).Select(t => t.Name).FirstOrDefault()))
            .ToListAsync(ct);
        return new Page<AuditEntryDto>(items, page, pageSize, total);
    }

    /// <summary>
    /// What a tenant sees of its own part: acts of its own people as recorded; acts of anyone else (a provider admin,
    /// a host of the fabric) as <see cref="ProviderActor"/>, without their name or address.
    /// </summary>
    public async Task<Page<AuditEntryDto>> ReadForTenantAsync(Guid tenantId, string? search, int page, int pageSize, CancellationToken ct)
    {
        (page, pageSize) = Bounds(new AuditFilter(search, tenantId, page, pageSize));
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var query = db.AuditEntries.AsNoTracking()
            .Where(a => a.TenantId == tenantId)
            .Select(a => new
            {
                Entry = a,
                // Sign-ups recorded before the new user's id was kept carry no actor id; they are the tenant's own.
                Own = (a.ActorId != null && db.Users.Any(u => u.Id == a.ActorId && u.TenantId == tenantId))
                    || (a.ActorId == null && a.Action == "tenant.signed-up"),
                System = a.ActorId == null && a.ActorName == AuditActor.System.Name,
            });
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLower();
            query = query.Where(x => x.Entry.Action.ToLower().Contains(term)
                || x.Entry.Target.ToLower().Contains(term)
                || (x.Own && x.Entry.ActorName.ToLower().Contains(term)));
        }

        var total = await query.CountAsync(ct);
        var items = await query
            .OrderByDescending(x => x.Entry.At).ThenByDescending(x => x.Entry.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .Select(x => new AuditEntryDto(x.Entry.Id, x.Entry.At,
                x.Own || x.System ? x.Entry.ActorName : ProviderActor,
                x.Entry.Action, x.Entry.Target,
                x.Own ? x.Entry.RemoteAddress : null,
                x.Entry.TenantId,
                db.Tenants.Where(t => t.Id == x.Entry.TenantId).Select(t => t.Name).FirstOrDefault()))
            .ToListAsync(ct);
        return new Page<AuditEntryDto>(items, page, pageSize, total);
    }

    private static (int Page, int PageSize) Bounds(AuditFilter filter) =>
        (Math.Max(filter.Page, 1), Math.Clamp(filter.PageSize, 1, MaxPageSize));
}
