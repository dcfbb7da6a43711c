using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.VirtualMachines;
using Portal.Data;

namespace Portal.Web.Features.Consoles;

/// <summary>
/// Who may open a VM's console, and the audit trail of it: another tenant's VM reads as missing; the Shielded policy, a
/// VM that is not running, and a cross-site upgrade are refused and audited; opening and closing (with its duration) are
/// audited in the tenant's log.
/// </summary>
public sealed class ConsoleAccess(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public const string OpenedAction = "vm.console-opened";
    public const string ClosedAction = "vm.console-closed";
    public const string RefusedAction = "vm.console-refused";

    /// <summary>
    /// The VM's console target, or a refusal: <see cref="NotFoundException"/> (unknown or another tenant's),
    /// <see cref="ConsoleForbiddenException"/> when <paramref name="forbidden"/> names a reason, or
    /// <see cref="StateConflictException"/> (Shielded policy, not running, no host).
    /// </summary>
    public async Task<ConsoleTarget> CheckAsync(Guid tenantId, Guid vmId, AuditActor actor, string? forbidden, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vm = await db.VirtualMachines.AsNoTracking().OwnedBy(tenantId).Live().SingleOrDefaultAsync(v => v.Id == vmId, ct)
            ?? throw new NotFoundException("VM", vmId);
        var target = new ConsoleTarget(tenantId, vm.Id, vm.Name, vm.HostId ?? Guid.Empty);
        if (forbidden is not null)
        {
            await RecordAsync(db, actor, RefusedAction, $"{target.AuditTarget}: {forbidden}", tenantId, ct);
            throw new ConsoleForbiddenException(forbidden);
        }

        try
        {
            vm.EnsureConsoleAllowed();
            if (vm.State != VmState.Running || vm.HostId is null)
            {
                throw new StateConflictException(
                    $"VM '{vm.Name}' is {vm.State}: only a running VM has a console. Start it, then open the console again.");
            }
        }
        catch (StateConflictException e)
        {
            await RecordAsync(db, actor, RefusedAction, $"{target.AuditTarget}: {e.Message}", tenantId, ct);
            throw;
        }

        return target;
    }

    public async Task OpenedAsync(ConsoleTarget target, AuditActor actor, Guid sessionId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RecordAsync(db, actor, OpenedAction, $"{target.AuditTarget} session:{sessionId}", target.TenantId, ct);
    }

    public async Task ClosedAsync(ConsoleTarget target, AuditActor actor, Guid sessionId, TimeSpan duration, string reason, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var seconds = Math.Max(0, (long)Math.Round(duration.TotalSeconds));
        await RecordAsync(db, actor, ClosedAction, $"{target.AuditTarget} session:{sessionId} after {seconds} s: {reason}", target.TenantId, ct);
    }

    private async Task RecordAsync(PortalDbContext db, AuditActor actor, string action, string target, Guid tenantId, CancellationToken ct)
    {
        db.AuditEntries.Add(AuditEntry.Record(actor, action, target, tenantId, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }
}
