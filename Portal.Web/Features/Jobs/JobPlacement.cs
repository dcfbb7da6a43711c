using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Placement;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Web.Features.Fabric;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.Jobs;

/// <summary>
/// Places waiting jobs. A new VM goes to the host <see cref="Placement"/> chooses; any other job goes to the host its VM
/// lives on. Each placement runs in its own transaction holding every host row, so the capacity it counts (VMs placed
/// on each host, built or not) cannot change under it. A job no host fits keeps waiting and says why.
/// </summary>
public sealed class JobPlacement(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<FabricOptions> fabric,
    IChangeFeed changes,
    HostWakeups wakeups,
    TimeProvider time,
    ILogger<JobPlacement> logger)
{
    private const int BatchSize = 200;

    /// <summary>
    /// Takes placed jobs back from hosts that can no longer claim them, then looks at every job waiting for a host;
    /// returns how many were placed.
    /// </summary>
    public async Task<int> PlaceWaitingAsync(CancellationToken ct)
    {
        List<Guid> unclaimed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            unclaimed = await db.PlacedJobIdsAsync(BatchSize, ct);
        }

        foreach (var jobId in unclaimed)
        {
            await TakeBackIfStrandedAsync(jobId, ct);
        }

        List<Guid> waiting;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            waiting = await db.WaitingJobIdsAsync(time.GetUtcNow(), BatchSize, ct);
        }

        var placed = 0;
        foreach (var jobId in waiting)
        {
            placed += await PlaceAsync(jobId, ct) ? 1 : 0;
        }

        return placed;
    }

    private async Task<bool> PlaceAsync(Guid jobId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockHostsAsync(ct);
        var job = await db.LockJobAsync(jobId, ct);
        var now = time.GetUtcNow();
        if (job is null || !job.IsWaitingForHost(now))
        {
            return false;
        }

        var vm = await db.VirtualMachines.SingleAsync(v => v.Id == job.VmId, ct);
        var hosts = await CandidatesAsync(db, now, ct);
        var decision = Decide(job, vm, hosts);
        var changed = true;
        if (decision.Host is { } host)
        {
            job.Place(host.Id, now);
            if (job.Type == JobType.Create)
            {
                vm.AssignHost(host.Id);
            }

            logger.LogInformation("Job {JobId} ({JobType}) placed on host {HostName}", job.Id, job.Type, host.Name);
        }
        else if (job.Type == JobType.Delete && vm.HostId is null)
        {
            job.CompleteWithoutHost(now);
            job.ApplyTo(vm, now);
        }
        else if (vm.HostId is { } vmHost && job.Type != JobType.Create && hosts.All(h => h.Id != vmHost))
        {
            if (job.Type == JobType.Delete)
            {
                // The VM's host left the fabric and took the VM's files with it: nothing is left to delete.
                job.CompleteWithoutHost(now);
            }
            else
            {
                job.Abandon(JobError.Of(null, "HostRemoved", decision.WaitingReason ?? "The VM's host has been removed."), now);
            }

            job.ApplyTo(vm, now);
        }
        else
        {
            changed = job.Wait(decision.WaitingReason ?? "Waiting for a host.", now);
        }

        if (!changed)
        {
            return false;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (job.HostId is { } placedOn && job.State == JobState.Placing)
        {
            await wakeups.WakeAsync(placedOn, ct);
        }

        await changes.PublishAsync(
            [new PortalChange(ChangeKind.Job, job.Id, job.TenantId), new PortalChange(ChangeKind.VirtualMachine, vm.Id, vm.TenantId)], ct);
        return job.State == JobState.Placing;
    }

    private async Task TakeBackIfStrandedAsync(Guid jobId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        // Looked at without its lock first: its host's claims skip a locked job (SKIP LOCKED), so holding every placed job
        // on every tick would hide it from them now and then. Only a job that looks stranded is locked and looked at again.
        var now = time.GetUtcNow();
        if (await WhyStrandedAsync(db, await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, ct), now, ct) is null)
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = await db.LockJobAsync(jobId, ct);
        if (job is null || await WhyStrandedAsync(db, job, now, ct) is not { } reason)
        {
            return;
        }

        var hostId = job.HostId;
        var vm = await db.VirtualMachines.SingleAsync(v => v.Id == job.VmId, ct);
        job.Unplace(reason, now);
        job.ApplyTo(vm, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogWarning("Job {JobId} taken back from host {HostId}: {Reason}", job.Id, hostId, reason);
        await changes.PublishAsync(new PortalChange(ChangeKind.Job, job.Id, job.TenantId), ct);
    }

    /// <summary>Why a placed job should be taken back from its host (gone, or no longer fit for it); null while it may stay.</summary>
    private async Task<string?> WhyStrandedAsync(PortalDbContext db, Job? job, DateTimeOffset now, CancellationToken ct)
    {
        if (job is not { State: JobState.Placing, HostId: { } hostId })
        {
            return null;
        }

        var host = await db.GuardedHosts.AsNoTracking().SingleOrDefaultAsync(h => h.Id == hostId, ct);
        var candidate = host is null ? null : HostCandidate.From(host, HostResources.Zero, now, fabric.Value.HeartbeatStaleAfter);
        return Placement.WhyTakeBack(candidate, job.Type == JobType.Create);
    }

    private static PlacementDecision Decide(Job job, VirtualMachine vm, IReadOnlyList<HostCandidate> hosts)
    {
        if (job.Type == JobType.Create)
        {
            return Placement.ChooseHost(
                new HostResources(vm.Resources.Vcpus, vm.Resources.MemoryGiB, vm.Resources.StorageGiB), vm.Shielded, hosts);
        }

        return vm.HostId is null
            ? PlacementDecision.Wait("The VM was never built on a host.")
            : Placement.CheckVmHost(hosts.FirstOrDefault(h => h.Id == vm.HostId));
    }

    /// <summary>
    /// Every host still in the fabric, with what is placed on it (the live VMs assigned there, built or not) and the jobs
    /// it has yet to finish.
    /// </summary>
    private async Task<IReadOnlyList<HostCandidate>> CandidatesAsync(PortalDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var hosts = await db.GuardedHosts.AsNoTracking().Where(h => h.State != HostState.Removed).ToListAsync(ct);
        var placed = await db.VirtualMachines.AsNoTracking().Live()
            .Where(v => v.HostId != null)
            .GroupBy(v => v.HostId)
            .Select(g => new
            {
                HostId = g.Key!.Value,
                Vcpus = g.Sum(v => v.Resources.Vcpus),
                MemoryGiB = g.Sum(v => v.Resources.MemoryGiB),
                StorageGiB = g.Sum(v => v.Resources.StorageGiB),
            })
            .ToDictionaryAsync(p => p.HostId, p => new HostResources(p.Vcpus, p.MemoryGiB, p.StorageGiB), ct);
        var inFlight = await db.Jobs.AsNoTracking()
            .Where(j => j.HostId != null && (j.State == JobState.Placing || j.State == JobState.Running))
            .GroupBy(j => j.HostId)
            .Select(g => new { HostId = g.Key!.Value, Count = g.Count() })
            .ToDictionaryAsync(j => j.HostId, j => j.Count, ct);
        var staleAfter = fabric.Value.HeartbeatStaleAfter;
        return [.. hosts.Select(h => HostCandidate.From(h, placed.GetValueOrDefault(h.Id, HostResources.Zero), now, staleAfter)
            with { JobsInFlight = inFlight.GetValueOrDefault(h.Id) })];
    }
}
