using Npgsql;

namespace Portal.Data.Cluster;

/// <summary>
/// The PostgreSQL connections of the cluster bus and locks: pooled ones for short commands, and unpooled ones for a
/// connection whose session matters (a lock that must end with it, never linger on a connection handed to another).
/// </summary>
public sealed class ClusterDatabase(string connectionString) : IAsyncDisposable
{
    public NpgsqlDataSource Pooled { get; } = NpgsqlDataSource.Create(connectionString);

    public NpgsqlDataSource Unpooled { get; } =
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);

    /// <summary>The failures that mean "the database is out of reach for now": try again later, never give up.</summary>
    public static bool IsConnectionFailure(Exception e) =>
        e is NpgsqlException or TimeoutException or IOException or InvalidOperationException;

    public async ValueTask DisposeAsync()
    {
        await Pooled.DisposeAsync();
        await Unpooled.DisposeAsync();
    }
}
