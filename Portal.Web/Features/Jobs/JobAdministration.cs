using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Jobs;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Web.Infrastructure.ChangeFeed;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Jobs;

/// <summary>The provider's view of every job: filter, restart a failed one, cancel a queued one.</summary>
public sealed class JobAdministration(IDbContextFactory<PortalDbContext> dbFactory, IChangeFeed changes, TimeProvider time)
{
    public sealed record Filter(JobState? State = null, Guid? HostId = null, Guid? TenantId = null);

    public async Task<Page<AdminJobDto>> ListAsync(Filter filter, ListQuery list, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var page = await Filtered(db, filter).ToPageAsync(list, JobService.Orders, ct);
        return new Page<AdminJobDto>(await ToDtosAsync(db, page.Items, ct), page.Total);
    }

    private static IQueryable<Job> Filtered(PortalDbContext db, Filter filter)
    {
        var query = db.Jobs.AsNoTracking();
        if (filter.State is { } state)
        {
            query = query.Where(j => j.State == state);
        }

        if (filter.HostId is { } hostId)
        {
            query = query.Where(j => j.HostId == hostId);
        }

        if (filter.TenantId is { } tenantId)
        {
            query = query.OwnedBy(tenantId);
        }

        return query;
    }

    public async Task<AdminJobDto> GetAsync(Guid jobId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId, ct) ?? throw new NotFoundException("Job", jobId);
        return (await ToDtosAsync(db, [job], ct))[0];
    }

    public Task<AdminJobDto> RestartAsync(Guid jobId, AuditActor actor, CancellationToken ct) =>
        ChangeAsync(jobId, actor, "job.restarted", (job, now) => job.Restart(now), ct);

    public Task<AdminJobDto> CancelAsync(Guid jobId, AuditActor actor, CancellationToken ct) =>
        ChangeAsync(jobId, actor, "job.cancelled", (job, now) => job.Cancel(now), ct);

    private async Task<AdminJobDto> ChangeAsync(Guid jobId, AuditActor actor, string action, Action<Job, DateTimeOffset> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = await db.LockJobAsync(jobId, ct) ?? throw new NotFoundException("Job", jobId);
        var vm = await db.VirtualMachines.SingleAsync(v => v.Id == job.VmId, ct);
        if (job.Type != JobType.Create && vm.State == Core.VirtualMachines.VmState.Deleted)
        {
            throw new StateConflictException($"VM '{vm.Name}' has been deleted; its jobs cannot run again.");
        }

        var now = time.GetUtcNow();
        change(job, now);
        job.ApplyTo(vm, now);
        db.AuditEntries.Add(AuditEntry.Record(actor, action, $"job:{job.Id} ({job.Type} vm:{vm.Id} {vm.Name})", job.TenantId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await changes.PublishAsync(
            [new PortalChange(ChangeKind.Job, job.Id, job.TenantId), new PortalChange(ChangeKind.VirtualMachine, vm.Id, vm.TenantId)], ct);
        return (await ToDtosAsync(db, [job], ct))[0];
    }

    private static async Task<IReadOnlyList<AdminJobDto>> ToDtosAsync(PortalDbContext db, IReadOnlyList<Job> jobs, CancellationToken ct)
    {
        var vmIds = jobs.Select(j => j.VmId).Distinct().ToList();
        var tenantIds = jobs.Select(j => j.TenantId).Distinct().ToList();
        var hostIds = jobs.Where(j => j.HostId != null).Select(j => j.HostId!.Value).Distinct().ToList();
        var vms = await db.VirtualMachines.AsNoTracking().Where(v => vmIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Name, ct);
        var tenants = await db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var hosts = await db.GuardedHosts.AsNoTracking().Where(h => hostIds.Contains(h.Id)).ToDictionaryAsync(h => h.Id, h => h.Name, ct);
        return [.. jobs.Select(j => new AdminJobDto(
            j.ToDto(vms.GetValueOrDefault(j.VmId, "")), j.TenantId, tenants.GetValueOrDefault(j.TenantId, ""),
            j.HostId, j.HostId is { } h ? hosts.GetValueOrDefault(h) : null, j.RequestedBy))];
    }
}
