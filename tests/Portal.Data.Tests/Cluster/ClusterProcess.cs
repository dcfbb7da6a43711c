using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data.Cluster;

namespace Portal.Data.Tests.Cluster;

/// <summary>
/// What one portal process has of the cluster — its bus and locks — on a test database, its connections named by
/// <see cref="Name"/> so a test can cut exactly this process off the database.
/// </summary>
internal sealed class ClusterProcess : IAsyncDisposable
{
    private readonly ClusterDatabase _database;
    private readonly CancellationTokenSource _stop = new();

    public ClusterProcess(string connectionString, string name)
    {
        Name = $"{name}-{Guid.NewGuid():N}"[..30];
        _database = new ClusterDatabase(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = Name }.ConnectionString);
        var options = Options.Create(new ClusterOptions
        {
            ListenerCheckInterval = TimeSpan.FromMilliseconds(200),
            ReconnectDelayMax = TimeSpan.FromMilliseconds(200),
            LeaderCheckInterval = TimeSpan.FromMilliseconds(100),
        });
        Bus = new PostgresClusterBus(_database, options, TimeProvider.System, NullLogger<PostgresClusterBus>.Instance);
        Locks = new PostgresClusterLocks(_database, options, TimeProvider.System, NullLogger<PostgresClusterLocks>.Instance);
    }

    public string Name { get; }

    public PostgresClusterBus Bus { get; }

    public PostgresClusterLocks Locks { get; }

    public CancellationToken Stopping => _stop.Token;

    public async Task StartListeningAsync()
    {
        await Bus.StartAsync(CancellationToken.None);
        Assert.True(await Bus.WaitUntilListeningAsync(TimeSpan.FromSeconds(20), CancellationToken.None), $"{Name} never listened");
    }

    /// <summary>Ends every database session of this process, as a network cut or a database restart would.</summary>
    public async Task CutOffAsync(string connectionString)
    {
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync();
        await using var kill = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name IN ($1, $2)", admin);
        kill.Parameters.Add(new NpgsqlParameter { Value = Name });
        kill.Parameters.Add(new NpgsqlParameter { Value = PostgresClusterBus.ListenerName(Bus.ProcessId) });
        await kill.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        await Bus.StopAsync(CancellationToken.None);
        Bus.Dispose();
        await _database.DisposeAsync();
    }
}
