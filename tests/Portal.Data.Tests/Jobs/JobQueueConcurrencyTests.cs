using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Fabric;
using Portal.Core.Jobs;
using Portal.Core.Quotas;
using Portal.Data.Jobs;
using Portal.Data.Quotas;
using Portal.Data.Tests.Offers;

namespace Portal.Data.Tests.Jobs;

public abstract class JobQueueConcurrencyTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : OffersDatabase
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task ClaimNext_TenConcurrentClaimersThreePlacedJobs_EachJobClaimedExactlyOnce()
    {
        var (host, jobIds) = await SeedPlacedJobsAsync(3);

        var claims = await RaceAsync(10, host);

        var claimed = claims.Where(c => c is not null).Select(c => c!.Value).ToList();
        Assert.Equal(3, claimed.Count);
        Assert.Equal(jobIds.Order(), claimed.Select(c => c.JobId).Order());
        Assert.All(claimed, c => Assert.Equal(1L, c.FencingToken));
        await using var check = database.CreateContext();
        var jobs = await check.Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id)).ToListAsync();
        Assert.All(jobs, j => Assert.Equal((JobState.Running, 1, 1L, host), (j.State, j.Attempt, j.FencingToken, j.HostId!.Value)));
    }

    [Fact]
    public async Task ClaimNext_AsManyConcurrentClaimersAsJobs_EachGetsADistinctJob()
    {
        // Without SKIP LOCKED (or the conditional claim) racers would pick the same oldest row: one would wait and then
        // find it claimed (or claim it twice), so some racer would come back empty-handed or with a duplicate.
        var (host, jobIds) = await SeedPlacedJobsAsync(4);

        var claims = await RaceAsync(4, host);

        Assert.All(claims, c => Assert.NotNull(c));
        Assert.Equal(jobIds.Order(), claims.Select(c => c!.Value.JobId).Order());
    }

    [Fact]
    public async Task ClaimNext_JobPlacedOnAnotherHost_IsNotClaimed()
    {
        var (host, _) = await SeedPlacedJobsAsync(1);
        await using var db = database.CreateContext();
        var other = await NewHostAsync(db);

        Assert.Null(await db.ClaimNextAsync(other, Lease, OffersSeed.Now, default));
        Assert.NotNull(await db.ClaimNextAsync(host, Lease, OffersSeed.Now, default));
        Assert.Null(await db.ClaimNextAsync(host, Lease, OffersSeed.Now, default));
    }

    private async Task<(Guid JobId, long FencingToken)?[]> RaceAsync(int racers, Guid host)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, racers).Select(_ => Task.Run(async () =>
        {
            await using var db = database.CreateContext();
            await db.Database.OpenConnectionAsync();
            await start.Task;
            var job = await db.ClaimNextAsync(host, Lease, OffersSeed.Now, default);
            return job is null ? ((Guid, long)?)null : (job.Id, job.FencingToken);
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    private async Task<(Guid Host, List<Guid> JobIds)> SeedPlacedJobsAsync(int count)
    {
        await using var db = database.CreateContext();
        var seed = await OffersSeed.CreateAsync(db, QuotaLimits.Create(null, null, null, null));
        var host = await NewHostAsync(db);
        var jobIds = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var reserved = await VmReservation.ReserveAsync(db,
                new VmReservationRequest(seed.Tenant.Id, seed.Subscription.Id, $"vm-{i}", seed.Template.Id, seed.Size.Id, Shielded: false),
                AuditActor.System, OffersSeed.Now.AddSeconds(i), default);
            jobIds.Add(reserved.Job.Id);
        }

        db.ChangeTracker.Clear();
        foreach (var job in await db.Jobs.Where(j => jobIds.Contains(j.Id)).ToListAsync())
        {
            job.Place(host, OffersSeed.Now);
        }

        await db.SaveChangesAsync();
        return (host, jobIds);
    }

    private static async Task<Guid> NewHostAsync(PortalDbContext db)
    {
        var (token, _) = HostJoinToken.Issue(TimeSpan.FromHours(1), null, OffersSeed.Now);
        var (host, _) = GuardedHost.Join(token, $"host-{Guid.NewGuid():N}"[..13], new HostResources(64, 512, 4096), "1.0.0", null, OffersSeed.Now);
        db.AddRange(token, host);
        await db.SaveChangesAsync();
        return host.Id;
    }
}

public sealed class PostgresJobQueueConcurrencyTests(PostgresOffersDatabase database)
    : JobQueueConcurrencyTests<PostgresOffersDatabase>(database);

public sealed class SqliteJobQueueConcurrencyTests(SqliteOffersDatabase database)
    : JobQueueConcurrencyTests<SqliteOffersDatabase>(database);
