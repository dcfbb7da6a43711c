using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure.Paging;
using Portal.Core.Auditing;

namespace Portal.Web.Features.Audit;

/// <summary>Reads the append-only audit log: all of it for providers, one tenant's own part for tenants.</summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>What the audit trail may be ordered by; newest first unless asked.</summary>
    public static readonly SortFields<AuditEntry> Orders = SortFields<AuditEntry>
        .By("at", a => a.At, a => a.Id, descending: true).And("action", a => a.Action).And("actorName", a => a.ActorName);

    /// <summary>For the portal's pages, which count in page numbers.</summary>
    public Task<Page<AuditEntryDto>> ReadAsync(AuditFilter filter, CancellationToken ct) =>
        ReadAsync(filter.Search, filter.TenantId, ListQuery.ForPage(filter.Page, Math.Clamp(filter.PageSize, 1, ListQuery.MaxTop)), ct);

    public async Task<Page<AuditEntryDto>> ReadAsync(string? search, Guid? tenantOnly, ListQuery list, CancellationToken ct)
    {
        var filter = new AuditFilter(search, tenantOnly);
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

        return await query.ToPageAsync(list, Orders,
            a => new AuditEntryDto(a.Id, a.At, a.ActorName, a.Action, a.Target, a.RemoteAddress, a.TenantId,
                db.Tenants.Where(t => t.Id == a.TenantId).Select(t => t.Name).FirstOrDefault()),
            ct);
    }
}
