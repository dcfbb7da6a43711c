using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Data;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Audit;

/// <summary>Reads the append-only audit log: all of it for providers, one tenant's own part for tenants.</summary>
public sealed class AuditLog(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>What the audit trail may be ordered by; newest first unless asked.</summary>
    public static readonly SortFields<AuditEntry> Orders = SortFields<AuditEntry>
        .By("at", a => a.At, a => a.Id, descending: true).And("action", a => a.Action).And("actorName", a => a.ActorName);

    /// <summary>How a tenant sees an act of the provider's people or fabric.</summary>
    public const string ProviderActor = "Provider";

    /// <summary>For the provider's pages, which count in page numbers.</summary>
    public Task<Page<AuditEntryDto>> ReadAsync(AuditFilter filter, CancellationToken ct) =>
        ReadAsync(filter.Search, filter.TenantId, ListQuery.ForPage(filter.Page, Math.Clamp(filter.PageSize, 1, ListQuery.MaxTop)), ct);

    /// <summary>What the provider sees: every entry as recorded, who and from where.</summary>
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

    /// <summary>
    /// What a tenant sees of its own part: acts of its own people as recorded; acts of anyone else (a provider admin,
    /// a host of the fabric) as <see cref="ProviderActor"/>, without their name or address.
    /// </summary>
    public async Task<Page<AuditEntryDto>> ReadForTenantAsync(Guid tenantId, string? search, ListQuery list, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var query = db.AuditEntries.AsNoTracking()
            .Where(a => a.TenantId == tenantId)
            .Select(a => new TenantAuditRow
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

        return await query.ToPageAsync(list, TenantOrders,
            x => new AuditEntryDto(x.Entry.Id, x.Entry.At,
                x.Own || x.System ? x.Entry.ActorName : ProviderActor,
                x.Entry.Action, x.Entry.Target,
                x.Own ? x.Entry.RemoteAddress : null,
                x.Entry.TenantId,
                db.Tenants.Where(t => t.Id == x.Entry.TenantId).Select(t => t.Name).FirstOrDefault()),
            ct);
    }

    // A tenant cannot order by who acted: the order would hint at the provider's hidden names.
    private static readonly SortFields<TenantAuditRow> TenantOrders = SortFields<TenantAuditRow>
        .By("at", x => x.Entry.At, x => x.Entry.Id, descending: true).And("action", x => x.Entry.Action);

    private sealed class TenantAuditRow
    {
        public required AuditEntry Entry { get; init; }
        public bool Own { get; init; }
        public bool System { get; init; }
    }
}
