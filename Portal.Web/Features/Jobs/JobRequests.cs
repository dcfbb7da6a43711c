using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Jobs;
using Portal.Data;
using Portal.Data.Jobs;

namespace Portal.Web.Features.Jobs;

/// <summary>Queues an operation on an existing VM, for its tenant or for the provider.</summary>
internal static class JobRequests
{
    /// <summary>
    /// Holds the VM's row, checks its state allows <paramref name="type"/> and that no other job for it is unfinished,
    /// then writes the job and its audit record. <paramref name="tenantId"/> limits it to that tenant's VMs (null: any).
    /// </summary>
    public static async Task<JobDto> QueueAsync(
        IDbContextFactory<PortalDbContext> dbFactory, Guid vmId, JobType type, AuditActor actor, DateTimeOffset now,
        Guid? tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockVmAsync(vmId, ct);
        var vm = await db.VirtualMachines.Live()
            .Where(v => tenantId == null || v.TenantId == tenantId)
            .SingleOrDefaultAsync(v => v.Id == vmId, ct)
            ?? throw new NotFoundException("VM", vmId);
        var busy = await db.Jobs.AsNoTracking().Unfinished().Where(j => j.VmId == vmId).OrderBy(j => j.CreatedAt).FirstOrDefaultAsync(ct);
        if (busy is not null)
        {
            throw new StateConflictException($"VM '{vm.Name}' is busy: its {busy.Type} job is {busy.State}. Wait for it to finish.");
        }

        vm.EnsureCanRun(type);
        var job = Job.Create(type, vm, actor.Name, null, now);
        db.Jobs.Add(job);
        db.AuditEntries.Add(AuditEntry.Record(actor, $"vm.{type.ToString().ToLowerInvariant()}-requested",
            $"vm:{vm.Id} ({vm.Name}) job:{job.Id}", vm.TenantId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return job.ToDto(vm.Name);
    }
}
