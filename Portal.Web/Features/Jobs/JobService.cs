using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Jobs;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Jobs;

/// <summary>A tenant's jobs; another tenant's job reads as not found.</summary>
public sealed class JobService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<JobDto> GetAsync(Guid tenantId, Guid jobId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().OwnedBy(tenantId).SingleOrDefaultAsync(j => j.Id == jobId, ct)
            ?? throw new NotFoundException("Job", jobId);
        var vmName = await db.VirtualMachines.AsNoTracking().Where(v => v.Id == job.VmId).Select(v => v.Name).SingleAsync(ct);
        return job.ToDto(vmName);
    }

    /// <summary>What job lists may be ordered by; newest first unless asked.</summary>
    public static readonly SortFields<Job> Orders = SortFields<Job>
        .By("createdAt", j => j.CreatedAt, j => j.Id, descending: true).And("state", j => j.State).And("type", j => j.Type);

    public async Task<Page<JobDto>> ListAsync(Guid tenantId, JobState? state, ListQuery list, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Jobs.AsNoTracking().OwnedBy(tenantId);
        if (state is { } s)
        {
            query = query.Where(j => j.State == s);
        }

        var page = await query.ToPageAsync(list, Orders, ct);
        var vmIds = page.Items.Select(j => j.VmId).Distinct().ToList();
        var names = await db.VirtualMachines.AsNoTracking().Where(v => vmIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Name, ct);
        return page.Select(j => j.ToDto(names.GetValueOrDefault(j.VmId, "")));
    }

    /// <summary>The tenant's most recent jobs, newest first.</summary>
    public async Task<IReadOnlyList<JobDto>> ListAsync(Guid tenantId, JobState? state, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Jobs.AsNoTracking().OwnedBy(tenantId);
        if (state is { } s)
        {
            query = query.Where(j => j.State == s);
        }

        var jobs = await query.OrderByDescending(j => j.CreatedAt).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
        var vmIds = jobs.Select(j => j.VmId).Distinct().ToList();
        var names = await db.VirtualMachines.AsNoTracking().Where(v => vmIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Name, ct);
        return [.. jobs.Select(j => j.ToDto(names.GetValueOrDefault(j.VmId, "")))];
    }
}
