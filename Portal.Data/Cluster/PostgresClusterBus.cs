using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Portal.Data.Cluster;

/// <summary>
/// The bus over PostgreSQL <c>LISTEN/NOTIFY</c>: one connection per process listens on one channel, and a message is
/// a notification sent through the pool. A broken listening connection is replaced, with <see cref="Disconnected"/>
/// and <see cref="Reconnected"/> raised around the gap.
/// </summary>
public sealed class PostgresClusterBus(
    ClusterDatabase database,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<PostgresClusterBus> logger) : BackgroundService, IClusterBus
{
    private readonly ClusterSubscriptions _subscriptions = new(logger);
    private volatile bool _listening;

    public Guid ProcessId { get; } = Guid.NewGuid();

    public bool IsListening => _listening;

    public event Action? Reconnected;

    public event Action? Disconnected;

    public IDisposable Subscribe(string topic, Action<ClusterMessage> onMessage) => _subscriptions.Add(topic, onMessage);

    public async Task PublishAsync(string topic, string body, CancellationToken ct = default)
    {
        var payload = ClusterMessageCodec.Encode(topic, ProcessId, body);
        await using var command = database.Pooled.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = ClusterMessageCodec.Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = payload });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Waits until this process listens (tests and start-up checks); false when it did not within the time.</summary>
    public async Task<bool> WaitUntilListeningAsync(TimeSpan timeout, CancellationToken ct)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReconnected() => source.TrySetResult();
        Reconnected += OnReconnected;
        try
        {
            if (_listening)
            {
                return true;
            }

            await source.Task.WaitAsync(timeout, time, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return _listening;
        }
        finally
        {
            Reconnected -= OnReconnected;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (ClusterDatabase.IsConnectionFailure(e))
            {
                var wasListening = _listening;
                _listening = false;
                if (wasListening)
                {
                    logger.LogWarning(e, "Lost the database connection that hears the other portal processes; reconnecting");
                    Disconnected?.Invoke();
                    delay = TimeSpan.FromMilliseconds(100);
                }
                else
                {
                    logger.LogDebug(e, "Could not listen to the other portal processes yet; trying again in {Delay}", delay);
                }
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.ReconnectDelayMax.Ticks));
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await using var connection = await database.Unpooled.OpenConnectionAsync(ct);
        connection.Notification += (_, e) =>
        {
            if (e.Channel == ClusterMessageCodec.Channel && ClusterMessageCodec.Decode(e.Payload) is { } message)
            {
                _subscriptions.Dispatch(message);
            }
        };

        await using (var listen = new NpgsqlCommand($"LISTEN {ClusterMessageCodec.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        _listening = true;
        logger.LogInformation("Listening to the other portal processes (process {ProcessId})", ProcessId);
        Reconnected?.Invoke();
        var check = options.Value.ListenerCheckInterval;
        while (true)
        {
            if (!await connection.WaitAsync(check, ct))
            {
                // Quiet for a while: make sure the connection is still alive rather than silently dead.
                await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = Math.Max(1, (int)check.TotalSeconds) };
                await ping.ExecuteScalarAsync(ct);
            }
        }
    }
}
