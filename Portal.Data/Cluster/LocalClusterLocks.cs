namespace Portal.Data.Cluster;

/// <summary>The locks of a portal alone on its database: it always leads, and start-up work runs one at a time.</summary>
public sealed class LocalClusterLocks : IClusterLocks
{
    private readonly SemaphoreSlim _exclusive = new(1, 1);

    public Task RunWhileLeaderAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct) => work(ct);

    public async Task RunExclusiveAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        await _exclusive.WaitAsync(ct);
        try
        {
            await work(ct);
        }
        finally
        {
            _exclusive.Release();
        }
    }

    public bool IsLeader(string name) => true;
}
