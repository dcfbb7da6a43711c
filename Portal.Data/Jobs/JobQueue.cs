using Microsoft.EntityFrameworkCore;
using Portal.Core.Jobs;

namespace Portal.Data.Jobs;

/// <summary>
/// The job queue's SQL. Every change to a job happens inside a transaction holding its row: PostgreSQL takes row locks
/// (<c>FOR UPDATE</c>, and <c>SKIP LOCKED</c> for claims, so two claimers never wait on or take the same job); SQLite
/// needs none, because its transactions begin IMMEDIATE and so already hold the database's single write lock.
/// </summary>
public static class JobQueue
{
    /// <summary>
    /// Claims the oldest job placed on <paramref name="hostId"/> and not yet claimed, under a new lease. Null when there
    /// is none. Of two claims racing for one job exactly one gets it.
    /// </summary>
    public static async Task<Job?> ClaimNextAsync(
        this PortalDbContext db, Guid hostId, TimeSpan lease, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var job = db.Database.IsNpgsql()
            ? (await db.Jobs.FromSql($"""
                SELECT * FROM jobs
                WHERE "HostId" = {hostId} AND "State" = 'Placing'
                ORDER BY "CreatedAt" LIMIT 1
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct)).SingleOrDefault()
            : await db.Jobs.Where(j => j.HostId == hostId && j.State == JobState.Placing)
                .OrderBy(j => j.CreatedAt).FirstOrDefaultAsync(ct);
        if (job is null)
        {
            return null;
        }

        job.Claim(hostId, lease, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return job;
    }

    /// <summary>Loads a job for change with its row held until the caller's transaction ends; null when unknown.</summary>
    public static async Task<Job?> LockJobAsync(this PortalDbContext db, Guid jobId, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? (await db.Jobs.FromSql($"SELECT * FROM jobs WHERE \"Id\" = {jobId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault()
            : await db.Jobs.SingleOrDefaultAsync(j => j.Id == jobId, ct);

    /// <summary>
    /// Holds every host row in the fabric until the transaction ends, so two placements (in this process or another) see
    /// each other's reservations and can never overcommit a host.
    /// </summary>
    public static Task LockHostsAsync(this PortalDbContext db, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? db.Database.SqlQuery<Guid>($"SELECT \"Id\" AS \"Value\" FROM guarded_hosts WHERE \"State\" <> 'Removed' ORDER BY \"Id\" FOR UPDATE")
                .ToListAsync(ct)
            : Task.CompletedTask;

    /// <summary>Ids of the jobs waiting for a host that may be placed now, oldest first.</summary>
    public static Task<List<Guid>> WaitingJobIdsAsync(this PortalDbContext db, DateTimeOffset now, int max, CancellationToken ct) =>
        db.Jobs.AsNoTracking()
            .Where(j => j.State == JobState.Queued && (j.NotBefore == null || j.NotBefore <= now))
            .OrderBy(j => j.CreatedAt)
            .Select(j => j.Id)
            .Take(max)
            .ToListAsync(ct);

    /// <summary>Placed jobs no host has claimed yet, with the host they wait for.</summary>
    public static Task<List<Guid>> PlacedJobIdsAsync(this PortalDbContext db, int max, CancellationToken ct) =>
        db.Jobs.AsNoTracking()
            .Where(j => j.State == JobState.Placing)
            .OrderBy(j => j.CreatedAt)
            .Select(j => j.Id)
            .Take(max)
            .ToListAsync(ct);

    /// <summary>Ids of running jobs whose host stopped renewing the lease.</summary>
    public static Task<List<Guid>> ExpiredLeaseJobIdsAsync(this PortalDbContext db, DateTimeOffset now, CancellationToken ct) =>
        db.Jobs.AsNoTracking()
            .Where(j => j.State == JobState.Running && j.LeaseExpiresAt < now)
            .Select(j => j.Id)
            .ToListAsync(ct);

    /// <summary>Jobs not yet finished: queued, placed or running.</summary>
    public static IQueryable<Job> Unfinished(this IQueryable<Job> jobs) =>
        jobs.Where(j => j.State == JobState.Queued || j.State == JobState.Placing || j.State == JobState.Running);

    public static IQueryable<Job> OwnedBy(this IQueryable<Job> jobs, Guid tenantId) => jobs.Where(j => j.TenantId == tenantId);
}
