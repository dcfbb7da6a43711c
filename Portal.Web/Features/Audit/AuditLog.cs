using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Audit;

/// <summary>Reads the append-only audit log: all of it for providers, one tenant's own part for tenants.</summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    public async Task<Page<AuditEntryDto>> ReadAsync(AuditFilter filter, CancellationToken ct)
    {
        var page = Math.Max(filter.Page, 1);
        var pageSize = Math.Clamp(filter.PageSize, 1, MaxPageSize);
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
}
