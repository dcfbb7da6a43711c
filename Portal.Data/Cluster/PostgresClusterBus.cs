using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Portal.Data.Cluster;

/// <summary>
/// The bus over PostgreSQL <c>LISTEN/NOTIFY</c>: one connection per process listens on one channel, and a message is
/// a notification sent through the pool. A broken listening connection is replaced, with <see cref="Disconnected"/>
/// and <see cref="Reconnected"/> raised around the gap.
/// <para>
/// The listening connection makes a round trip every <see cref="ClusterOptions.ListenerCheckInterval"/>. PostgreSQL
/// delivers every notification committed before a query began ahead of that query's answer, so an answered round
/// trip proves this process has heard everything sent before it began: that is what <see cref="IsListening"/> rests
/// on. While listening, the connection is named <c>tenantportal-bus:</c> and the process id in
/// <c>pg_stat_activity</c>, which is how a confirmed message knows whose confirmation to wait for.
/// </para>
/// </summary>
public sealed class PostgresClusterBus(
    ClusterDatabase database,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<PostgresClusterBus> logger) : BackgroundService, IClusterBus
{
    public const string ListenerNamePrefix = "tenantportal-bus:";

    // Reserved: a process's confirmation that it has run its subscribers on a message (body: the receipt).
    private const string ReceiptTopic = "receipt";

    private readonly ClusterSubscriptions _subscriptions = new(logger);
    private readonly ClusterReceipts _receipts = new();
    private volatile bool _listening;
    private long _heardUpTo;

    public Guid ProcessId { get; } = Guid.NewGuid();

    public bool IsListening =>
        _listening && time.GetElapsedTime(Interlocked.Read(ref _heardUpTo)) < options.Value.HearingLease;

    public event Action? Reconnected;

    public event Action? Disconnected;

    public static string ListenerName(Guid processId) => $"{ListenerNamePrefix}{processId:N}";

    public IDisposable Subscribe(string topic, Action<ClusterMessage> onMessage) => _subscriptions.Add(topic, onMessage);

    public Task PublishAsync(string topic, string body, CancellationToken ct = default) =>
        NotifyAsync(ClusterMessageCodec.Encode(topic, ProcessId, body), ct);

    public async Task<bool> PublishConfirmedAsync(string topic, string body, CancellationToken ct = default)
    {
        var receipt = Guid.NewGuid();
        using var pending = _receipts.Expect(receipt);
        await NotifyAsync(ClusterMessageCodec.Encode(topic, ProcessId, body, receipt), ct);

        // Whoever listens now heard the message (it was committed first); whoever starts listening later starts afresh.
        pending.ExpectFrom(await ListeningProcessesAsync(ct));
        try
        {
            await pending.AllConfirmed.Task.WaitAsync(options.Value.ConfirmationTimeout, time, ct);
            return true;
        }
        catch (TimeoutException)
        {
            logger.LogWarning(
                "Portal processes {Processes} did not confirm a {Topic} message within {Timeout}; they no longer trust what they hold",
                string.Join(", ", pending.Missing), topic, options.Value.ConfirmationTimeout);
            return false;
        }
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
                Hear(message);
            }
        };

        var started = time.GetTimestamp();
        await using (var listen = new NpgsqlCommand($"LISTEN {ClusterMessageCodec.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        // Named only once listening: a confirmed message waits for the processes named so.
        await using (var name = new NpgsqlCommand("SELECT set_config('application_name', $1, false)", connection))
        {
            name.Parameters.Add(new NpgsqlParameter { Value = ListenerName(ProcessId) });
            await name.ExecuteNonQueryAsync(ct);
        }

        Interlocked.Exchange(ref _heardUpTo, started);
        _listening = true;
        logger.LogInformation("Listening to the other portal processes (process {ProcessId})", ProcessId);
        Reconnected?.Invoke();
        var check = options.Value.ListenerCheckInterval;
        while (true)
        {
            var untilCheck = check - time.GetElapsedTime(Interlocked.Read(ref _heardUpTo));
            if (untilCheck > TimeSpan.Zero)
            {
                await connection.WaitAsync(WaitFor(untilCheck), ct);
                continue;
            }

            // Busy or quiet: a round trip that answers proves the connection alive and everything before it heard.
            started = time.GetTimestamp();
            await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = Math.Max(1, (int)Math.Ceiling(check.TotalSeconds)) };
            await ping.ExecuteScalarAsync(ct);
            Interlocked.Exchange(ref _heardUpTo, started);
        }
    }

    /// <summary>
    /// Npgsql waits in whole milliseconds and takes 0 for "no timeout": a wait of under a millisecond, as when the last
    /// one timed out a hair early, would stall the checks until the next notification, and with them
    /// <see cref="IsListening"/>. Rounded up, the shortest wait is a millisecond.
    /// </summary>
    public static TimeSpan WaitFor(TimeSpan untilCheck) => TimeSpan.FromMilliseconds(Math.Ceiling(untilCheck.TotalMilliseconds));

    private void Hear(ClusterMessage message)
    {
        if (message.Topic == ReceiptTopic)
        {
            if (Guid.TryParseExact(message.Body, "N", out var receipt))
            {
                _receipts.Confirm(receipt, message.SenderId);
            }

            return;
        }

        _subscriptions.Dispatch(message);
        if (message.Receipt is { } confirmed)
        {
            _ = ConfirmAsync(confirmed);
        }
    }

    private async Task ConfirmAsync(Guid receipt)
    {
        try
        {
            await PublishAsync(ReceiptTopic, receipt.ToString("N"));
        }
        catch (Exception e) when (ClusterDatabase.IsConnectionFailure(e))
        {
            // The sender stops waiting at its timeout; by then this process's lease has run out if it is cut off.
            logger.LogWarning(e, "Could not confirm a cluster message to its sender");
        }
    }

    private async Task NotifyAsync(string payload, CancellationToken ct)
    {
        await using var command = database.Pooled.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = ClusterMessageCodec.Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = payload });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyCollection<Guid>> ListeningProcessesAsync(CancellationToken ct = default)
    {
        await using var command = database.Pooled.CreateCommand(
            "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND starts_with(application_name, $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ListenerNamePrefix });
        var processes = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (Guid.TryParseExact(reader.GetString(0)[ListenerNamePrefix.Length..], "N", out var process))
            {
                processes.Add(process);
            }
        }

        return processes;
    }
}
