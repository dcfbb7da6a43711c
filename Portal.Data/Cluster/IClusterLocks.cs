namespace Portal.Data.Cluster;

/// <summary>
/// Work that must run in one portal process at a time, though several share the database: a singleton loop (the
/// fabric controller) runs in whichever process leads, and start-up work (seeding) runs in one process after another.
/// Correctness never rests on these locks alone: the work itself locks the rows it changes.
/// </summary>
public interface IClusterLocks
{
    /// <summary>
    /// Runs <paramref name="work"/> whenever this process holds the lock named <paramref name="name"/>: waits to become
    /// the leader, runs it with a token cancelled when leadership is lost (the connection holding the lock broke), and
    /// tries again until <paramref name="ct"/> ends. The work should run until its token is cancelled.
    /// </summary>
    Task RunWhileLeaderAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> once, holding the lock named <paramref name="name"/>; waits for it first.</summary>
    Task RunExclusiveAsync(string name, Func<CancellationToken, Task> work, CancellationToken ct);

    /// <summary>True while this process leads for <paramref name="name"/> (for the Fabric view and tests).</summary>
    bool IsLeader(string name);
}
