using Npgsql;
using Portal.Data.Cluster;
using Portal.Testing;

namespace Portal.Data.Tests.Cluster;

public sealed class ClusterLocksTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly PostgresTestDatabase _database = PostgresTestDatabase.New("cluster_locks");
    private ClusterProcess _a = default!;
    private ClusterProcess _b = default!;

    public async Task InitializeAsync()
    {
        await _database.MigrateAsync();
        _a = new ClusterProcess(_database.ConnectionString, "a");
        _b = new ClusterProcess(_database.ConnectionString, "b");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task TwoProcesses_OnlyOneLeadsAtATime_ThroughCutOffsAndStops()
    {
        var running = 0;
        var mostAtOnce = 0;
        var leaders = new List<string>();
        var started = new SemaphoreSlim(0);
        Func<CancellationToken, Task> Work(ClusterProcess process) => async ct =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            lock (leaders)
            {
                leaders.Add(process.Name);
            }

            started.Release();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        };

        var leadingA = _a.Locks.RunWhileLeaderAsync("singleton", Work(_a), _a.Stopping);
        var leadingB = _b.Locks.RunWhileLeaderAsync("singleton", Work(_b), _b.Stopping);
        Assert.True(await started.WaitAsync(Deadline), "nobody took the lead");
        var first = leaders.Single() == _a.Name ? _a : _b;
        var second = first == _a ? _b : _a;
        Assert.True(first.Locks.IsLeader("singleton"));
        Assert.False(second.Locks.IsLeader("singleton"));
        Assert.False(await CanTakeAsync("singleton"), "the leader's lock is not held in the database");

        Assert.Equal(1, mostAtOnce);

        // Cut off from the database, the leader loses its lock with its session and one of the two leads again. The
        // cut-off leader learns of it at its next check, so the two may overlap that long (the work's own row locks
        // keep that safe); then only one runs.
        await first.CutOffAsync(_database.ConnectionString);
        Assert.True(await started.WaitAsync(Deadline), "nobody took the lead after the leader was cut off");
        await Eventually.Async(() => Task.FromResult(Volatile.Read(ref running) == 1), Deadline, "the cut-off leader to stop its work");
        Volatile.Write(ref mostAtOnce, 1);

        // The leader's process stops, ending its work before it lets the lock go: the other one leads, never both.
        var current = leaders[^1] == _a.Name ? _a : _b;
        var other = current == _a ? _b : _a;
        await current.DisposeAsync();
        Assert.True(await started.WaitAsync(Deadline), "the remaining process never took the lead");
        Assert.Equal(other.Name, leaders[^1]);
        Assert.True(other.Locks.IsLeader("singleton"));
        Assert.Equal(1, mostAtOnce);

        await other.DisposeAsync();
        await Task.WhenAll(leadingA, leadingB).WaitAsync(Deadline);
        Assert.Equal(0, Volatile.Read(ref running));
    }

    [Fact]
    public async Task RunExclusive_InTwoProcesses_RunsOneAfterTheOther()
    {
        var inside = 0;
        var overlapped = false;
        var firstInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = _a.Locks.RunExclusiveAsync("startup", async _ =>
        {
            Interlocked.Increment(ref inside);
            firstInside.TrySetResult();
            await release.Task;
            Interlocked.Decrement(ref inside);
        }, CancellationToken.None);
        await firstInside.Task.WaitAsync(Deadline);
        var second = _b.Locks.RunExclusiveAsync("startup", _ =>
        {
            overlapped = Volatile.Read(ref inside) != 0;
            return Task.CompletedTask;
        }, CancellationToken.None);

        // The second waits in pg_advisory_lock; only then let the first finish.
        await Eventually.Async(WaitsForAdvisoryLockAsync, Deadline, "the second process to wait for the lock");
        Assert.False(second.IsCompleted);
        release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Deadline);
        Assert.False(overlapped);
    }

    [Fact]
    public void KeyOf_IsStableAndDiffersByName()
    {
        Assert.Equal(PostgresClusterLocks.KeyOf("fabric-controller"), PostgresClusterLocks.KeyOf("fabric-controller"));
        Assert.NotEqual(PostgresClusterLocks.KeyOf("fabric-controller"), PostgresClusterLocks.KeyOf("idempotency-sweeper"));
    }

    private async Task<bool> CanTakeAsync(string name)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
        take.Parameters.Add(new NpgsqlParameter { Value = PostgresClusterLocks.KeyOf(name) });
        return await take.ExecuteScalarAsync() is true;
    }

    private async Task<bool> WaitsForAdvisoryLockAsync()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'", connection);
        count.Parameters.Add(new NpgsqlParameter { Value = _b.Name });
        return await count.ExecuteScalarAsync() is long n && n > 0;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
