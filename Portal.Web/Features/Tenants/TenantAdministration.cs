using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Quotas;
using Portal.Core.Tenants;
using Portal.Core.VirtualMachines;
using Portal.Data;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Tenants;

/// <summary>The provider's view of tenant accounts: search, details, suspend / resume, delete, unlock a user.</summary>
public sealed class TenantAdministration(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>What the tenant list may be ordered by; by name unless asked.</summary>
    public static readonly SortFields<TenantAccount> Orders = SortFields<TenantAccount>
        .By("name", t => t.Name, t => t.Id).And("createdAt", t => t.CreatedAt).And("state", t => t.State);

    /// <summary>For the portal's pages, which count in page numbers.</summary>
    public Task<Page<TenantSummaryDto>> ListAsync(string? search, int page, int pageSize, CancellationToken ct) =>
        ListAsync(search, ListQuery.ForPage(page, Math.Clamp(pageSize, 1, ListQuery.MaxTop)), ct);

    public async Task<Page<TenantSummaryDto>> ListAsync(string? search, ListQuery list, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Tenants.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLower();
            query = query.Where(t => t.Name.ToLower().Contains(term)
                || db.Users.Any(u => u.TenantId == t.Id && u.NormalizedEmail!.Contains(term.ToUpper())));
        }

        var page = await query.ToPageAsync(list, Orders, ct);
        var ids = page.Items.Select(t => t.Id).ToList();
        var users = await db.Users.AsNoTracking().Where(u => u.TenantId != null && ids.Contains(u.TenantId.Value))
            .GroupBy(u => u.TenantId!.Value).Select(g => new { TenantId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.TenantId, x => x.Count, ct);
        return page.Select(t => new TenantSummaryDto(t.Id, t.Name, t.State, t.CreatedAt, users.GetValueOrDefault(t.Id)));
    }

    public async Task<TenantDetailsDto> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct)
            ?? throw new NotFoundException("Tenant account", id);
        var now = time.GetUtcNow();
        var users = await db.Users.AsNoTracking()
            .Where(u => u.TenantId == id)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.CreatedAt, u.LockoutEnd })
            .ToListAsync(ct);
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.TenantId == id).ToListAsync(ct);
        var liveVms = await db.VirtualMachines.AsNoTracking()
            .Where(v => v.TenantId == id && v.State != VmState.Deleted)
            .Select(v => v.Resources)
            .ToListAsync(ct);
        return new TenantDetailsDto(
            tenant.Id, tenant.Name, tenant.State, tenant.CreatedAt, tenant.SuspendedAt,
            [.. users.OrderBy(u => u.Email).Select(u => new TenantUserDto(
                u.Id, u.Email ?? "", u.DisplayName, u.CreatedAt, u.LockoutEnd is { } end && end > now))],
            await db.ToDtosAsync([.. subscriptions.OrderBy(s => s.CreatedAt)], forAdmin: true, ct),
            liveVms.Count,
            ResourceAmount.Sum(liveVms),
            tenant.Version);
    }

    /// <summary>Refuses the tenant's new operations at once; its VMs and data are kept.</summary>
    public Task SuspendAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeAsync(id, "tenant.suspended", (t, now) => t.Suspend(now), actor, ct);

    public Task ResumeAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeAsync(id, "tenant.resumed", (t, _) => t.Resume(), actor, ct);

    /// <summary>Deletes the account with its users and subscriptions; refused while any of its VMs is live.</summary>
    public async Task DeleteAsync(Guid id, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockTenantAsync(id, ct);
        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Tenant account", id);
        var liveVms = await db.VirtualMachines.CountAsync(v => v.TenantId == id && v.State != VmState.Deleted, ct);
        if (liveVms > 0)
        {
            throw new StateConflictException(
                $"Tenant account '{tenant.Name}' still has {liveVms} VM(s); they must be deleted before the account.");
        }

        // Deleted VMs and subscriptions go with the account; the audit log keeps what happened (it has no foreign key).
        db.VirtualMachines.RemoveRange(await db.VirtualMachines.Where(v => v.TenantId == id).ToListAsync(ct));
        db.Subscriptions.RemoveRange(await db.Subscriptions.Where(s => s.TenantId == id).ToListAsync(ct));
        db.Users.RemoveRange(await db.Users.Where(u => u.TenantId == id).ToListAsync(ct));
        db.Tenants.Remove(tenant);
        db.AuditEntries.Add(AuditEntry.Record(actor, "tenant.deleted", Target(tenant), tenant.Id, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Ends a user's sign-in lockout (too many wrong passwords) and clears the failure count.</summary>
    public async Task UnlockUserAsync(Guid tenantId, Guid userId, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.TenantId == tenantId, ct)
            ?? throw new NotFoundException("User", userId);
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        db.AuditEntries.Add(AuditEntry.Record(actor, "user.unlocked", $"user:{user.Id} ({user.Email})", tenantId, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }

    private async Task ChangeAsync(Guid id, string action, Action<TenantAccount, DateTimeOffset> change, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Tenant account", id);
        var now = time.GetUtcNow();
        change(tenant, now);
        db.AuditEntries.Add(AuditEntry.Record(actor, action, Target(tenant), tenant.Id, now));
        await db.SaveChangesAsync(ct);
    }

    private static string Target(TenantAccount t) => $"tenant:{t.Id} ({t.Name})";
}
