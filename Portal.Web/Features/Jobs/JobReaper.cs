using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;
using Portal.Core.Jobs;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.Jobs;

/// <summary>
/// Takes back jobs whose host stopped renewing the lease: to the queue after a backoff while attempts remain, failed
/// after the last. The host that held one can no longer report on it.
/// </summary>
public sealed class JobReaper(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<FabricControllerOptions> options,
    IChangeFeed changes,
    TimeProvider time,
    ILogger<JobReaper> logger)
{
    public async Task<int> ReapAsync(CancellationToken ct)
    {
        List<Guid> expired;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            expired = await db.ExpiredLeaseJobIdsAsync(time.GetUtcNow(), ct);
        }

        var reaped = 0;
        foreach (var jobId in expired)
        {
            reaped += await ReapAsync(jobId, ct) ? 1 : 0;
        }

        return reaped;
    }

    private async Task<bool> ReapAsync(Guid jobId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = await db.LockJobAsync(jobId, ct);
        var now = time.GetUtcNow();
        if (job is null || !job.HasExpiredLease(now))
        {
            return false;
        }

        var hostId = job.HostId;
        job.ExpireLease(options.Value.BackoffFor(job.Attempt), now);
        var vm = await db.VirtualMachines.SingleAsync(v => v.Id == job.VmId, ct);
        job.ApplyTo(vm, now);
        db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "job.lease-expired",
            $"job:{job.Id} ({job.Type} vm:{vm.Id}) host:{hostId} attempt {job.Attempt} of {job.MaxAttempts}: {job.State}", job.TenantId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogWarning("Job {JobId} lost its lease on host {HostId} (attempt {Attempt}); now {JobState}", job.Id, hostId, job.Attempt, job.State);
        await changes.PublishAsync(
            [new PortalChange(ChangeKind.Job, job.Id, job.TenantId), new PortalChange(ChangeKind.VirtualMachine, vm.Id, vm.TenantId)], ct);
        return true;
    }
}
