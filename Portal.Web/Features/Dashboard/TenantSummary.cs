using Microsoft.EntityFrameworkCore;
using Portal.Core.ApiTokens;
using Portal.Core.Tenants;
using Portal.Core.VirtualMachines;
using Portal.Data;

namespace Portal.Web.Features.Dashboard;

/// <summary>The counts a tenant's dashboard shows, read in one go.</summary>
public sealed record TenantSummary(string TenantName, TenantState State, int LiveVms, int ShieldedVms, int ShieldingDataFiles, int ActiveTokens)
{
    public static async Task<TenantSummary> ReadAsync(
        IDbContextFactory<PortalDbContext> dbFactory, Guid tenantId, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct);
        var vms = db.VirtualMachines.AsNoTracking().Where(v => v.TenantId == tenantId && v.State != VmState.Deleted);
        var tokens = await db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId && t.Kind == ApiTokenKind.Personal && t.RevokedAt == null)
            .ToListAsync(ct);
        return new TenantSummary(
            tenant.Name,
            tenant.State,
            await vms.CountAsync(ct),
            await vms.CountAsync(v => v.Shielded, ct),
            await db.ShieldingData.AsNoTracking().CountAsync(d => d.TenantId == tenantId, ct),
            tokens.Count(t => t.IsActive(now)));
    }
}
