using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.Shielding.KeyProtectors;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.Jobs;

/// <summary>The authenticated host making an agent call.</summary>
public sealed record AgentHost(Guid Id, string Name);

/// <summary>
/// The agent's side of a job: claim (long poll), step reports, lease renewal, the key protector the host made, the
/// sealed shielding data, and the end. Every call after the claim must carry the current fencing number within the
/// lease (<see cref="Job.EnsureLease"/>), or it is refused with 409 and changes nothing.
/// </summary>
public sealed class JobDispatch(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<FabricControllerOptions> options,
    HostWakeups wakeups,
    IChangeFeed changes,
    TimeProvider time,
    ILogger<JobDispatch> logger,
    JobMetrics metrics)
{
    /// <summary>The oldest job placed on the host, waiting up to <paramref name="wait"/> for one; null when none came.</summary>
    public async Task<JobAssignment?> ClaimAsync(Guid hostId, TimeSpan wait, CancellationToken ct)
    {
        var settings = options.Value;
        var deadline = time.GetUtcNow() + (wait < settings.ClaimWaitMax ? wait : settings.ClaimWaitMax);
        while (true)
        {
            var woken = wakeups.Next(hostId);
            if (await TryClaimAsync(hostId, settings.LeaseDuration, ct) is { } assignment)
            {
                return assignment;
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                await woken.WaitAsync(remaining, ct);
            }
            catch (TimeoutException)
            {
                // No wake-up: "no work". The agent claims again at once, and that claim looks first.
                return null;
            }
        }
    }

    public async Task<LeaseRenewal> ReportStepAsync(Guid hostId, Guid jobId, StepReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = await db.LockJobAsync(jobId, ct) ?? throw new NotFoundException("Job", jobId);
        var renewed = job.ReportStep(hostId, report.FencingToken, report.Step, report.State, report.Message,
            options.Value.LeaseDuration, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await changes.PublishAsync(new PortalChange(ChangeKind.Job, job.Id, job.TenantId), ct);
        return new LeaseRenewal(renewed);
    }

    public async Task<LeaseRenewal> RenewLeaseAsync(Guid hostId, Guid jobId, long fencingToken, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = await db.LockJobAsync(jobId, ct) ?? throw new NotFoundException("Job", jobId);
        var renewed = job.RenewLease(hostId, fencingToken, options.Value.LeaseDuration, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new LeaseRenewal(renewed);
    }

    /// <summary>
    /// Keeps the key protector the host made for a new shielded VM. It must be wrapped for exactly the owner and the
    /// guardians of the VM's shielding data, or HGS could not release it to this fabric (or would to another).
    /// </summary>
    public async Task StoreKeyProtectorAsync(AgentHost host, Guid jobId, KeyProtectorReport report, CancellationToken ct)
    {
        var hostId = host.Id;
        ArgumentNullException.ThrowIfNull(report);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = await db.LockJobAsync(jobId, ct) ?? throw new NotFoundException("Job", jobId);
        var now = time.GetUtcNow();
        job.EnsureLease(hostId, report.FencingToken, now);
        var vm = await db.VirtualMachines.SingleAsync(v => v.Id == job.VmId, ct);
        var shieldingData = vm.ShieldingDataId is { } id
            ? await db.ShieldingData.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.TenantId == vm.TenantId, ct)
            : null;
        if (shieldingData is null)
        {
            throw new StateConflictException($"VM '{vm.Name}' has no shielding data to take its key protector's guardians from.");
        }

        var protector = KeyProtector.Read(report.KeyProtector ?? []);
        var expected = shieldingData.Guardians.Select(g => g.EncryptionThumbprint).Order(StringComparer.Ordinal);
        var actual = protector.Guardians.Select(g => g.EncryptionThumbprint).Order(StringComparer.Ordinal);
        if (protector.Owner.EncryptionThumbprint != shieldingData.Owner.EncryptionThumbprint || !expected.SequenceEqual(actual))
        {
            throw DomainValidationException.For(nameof(KeyProtectorReport.KeyProtector),
                "The key protector is not wrapped for the owner and guardians of the VM's shielding data.");
        }

        vm.AttachKeyProtector(report.KeyProtector!);
        job.RenewLease(hostId, report.FencingToken, options.Value.LeaseDuration, now);
        db.AuditEntries.Add(AuditEntry.Record(HostActor(host), "vm.key-protector-stored",
            $"vm:{vm.Id} ({vm.Name}) key protector {protector.Id} for {protector.Guardians.Count} guardian(s)", vm.TenantId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>The VM's shielding data exactly as the tenant uploaded it — sealed; only HGS can release its key.</summary>
    public async Task<byte[]> GetShieldingDataAsync(Guid hostId, Guid jobId, long fencingToken, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, ct) ?? throw new NotFoundException("Job", jobId);
        job.EnsureLease(hostId, fencingToken, time.GetUtcNow());
        var vm = await db.VirtualMachines.AsNoTracking().SingleAsync(v => v.Id == job.VmId, ct);
        var content = vm.ShieldingDataId is { } id
            ? await db.ShieldingData.AsNoTracking().Where(s => s.Id == id && s.TenantId == vm.TenantId).Select(s => s.Content).SingleOrDefaultAsync(ct)
            : null;
        return content ?? throw new NotFoundException("Shielding data of VM", vm.Id);
    }

    /// <summary>The host's last word on the job: success moves the VM; a failure is retried while it may be.</summary>
    public async Task CompleteAsync(AgentHost host, Guid jobId, JobCompletion completion, CancellationToken ct)
    {
        var hostId = host.Id;
        ArgumentNullException.ThrowIfNull(completion);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = await db.LockJobAsync(jobId, ct) ?? throw new NotFoundException("Job", jobId);
        var now = time.GetUtcNow();
        if (completion.Succeeded)
        {
            job.Succeed(hostId, completion.FencingToken, now);
        }
        else
        {
            var error = completion.Error is { } e ? JobError.Of(e.Step, e.Code, e.Message) : JobError.Of(null, "Failed", "The host gave no reason.");
            job.Fail(hostId, completion.FencingToken, error, completion.Retryable, options.Value.BackoffFor(job.Attempt), now);
        }

        var vm = await db.VirtualMachines.SingleAsync(v => v.Id == job.VmId, ct);
        job.ApplyTo(vm, now);
        db.AuditEntries.Add(AuditEntry.Record(HostActor(host), $"job.{Outcome(job)}",
            $"job:{job.Id} ({job.Type} vm:{vm.Id} {vm.Name})" + (job.Error is { } failure && job.State != JobState.Succeeded ? $": {failure.Message}" : ""),
            job.TenantId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Job {JobId} ({JobType}) on host {HostId} is now {JobState}", job.Id, job.Type, hostId, job.State);
        metrics.Entered(job);
        await changes.PublishAsync(
            [new PortalChange(ChangeKind.Job, job.Id, job.TenantId), new PortalChange(ChangeKind.VirtualMachine, vm.Id, vm.TenantId)], ct);
    }

    private async Task<JobAssignment?> TryClaimAsync(Guid hostId, TimeSpan lease, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var job = await db.ClaimNextAsync(hostId, lease, now, ct);
        if (job is null)
        {
            return null;
        }

        metrics.Claimed(job, now);

        var vm = await db.VirtualMachines.AsNoTracking().SingleAsync(v => v.Id == job.VmId, ct);
        var template = job.Type == JobType.Create
            ? await db.VmTemplates.AsNoTracking().SingleAsync(t => t.Id == vm.TemplateId, ct)
            : null;
        logger.LogInformation("Host {HostId} claimed job {JobId} ({JobType}), attempt {Attempt}", hostId, job.Id, job.Type, job.Attempt);
        await changes.PublishAsync(new PortalChange(ChangeKind.Job, job.Id, job.TenantId), ct);
        return new JobAssignment(
            job.Id, job.Type, job.FencingToken, job.LeaseExpiresAt!.Value, lease, job.Attempt, [.. job.Steps.Select(s => s.Kind)],
            new VmSpec(
                vm.Id, vm.Name, new HostResources(vm.Resources.Vcpus, vm.Resources.MemoryGiB, vm.Resources.StorageGiB),
                vm.Shielded, vm.Policy,
                template is { DiskSha384: { } hash } ? new TemplateDiskSpec(hash, template.DiskFileBytes ?? 0, template.VscFile) : null,
                vm.KeyProtector, vm.ShieldingDataId is not null));
    }

    private static AuditActor HostActor(AgentHost host) => new(null, $"host:{host.Name}", null);

    private static string Outcome(Job job) => job.State switch
    {
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Queued => "retrying",
        JobState.Placing or JobState.Running or JobState.Cancelled => job.State.ToString().ToLowerInvariant(),
    };
}
