using Microsoft.Extensions.Logging;

namespace Portal.Data.Cluster;

/// <summary>The bus of a portal alone on its database (the embedded SQLite default): every message stays here.</summary>
public sealed class LocalClusterBus(ILogger<LocalClusterBus> logger) : IClusterBus
{
    private readonly ClusterSubscriptions _subscriptions = new(logger);

    public Guid ProcessId { get; } = Guid.NewGuid();

    public bool IsListening => true;

    public event Action? Reconnected
    {
        add { }
        remove { }
    }

    public event Action? Disconnected
    {
        add { }
        remove { }
    }

    public IDisposable Subscribe(string topic, Action<ClusterMessage> onMessage) => _subscriptions.Add(topic, onMessage);

    public Task PublishAsync(string topic, string body, CancellationToken ct = default)
    {
        // Encoding checks the topic and body as the PostgreSQL bus would.
        var message = ClusterMessageCodec.Decode(ClusterMessageCodec.Encode(topic, ProcessId, body))!;
        _subscriptions.Dispatch(message);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyCollection<Guid>> ListeningProcessesAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyCollection<Guid>>([ProcessId]);

    /// <summary>This process is the only one, and its subscribers have run when <see cref="PublishAsync"/> returns.</summary>
    public async Task<bool> PublishConfirmedAsync(string topic, string body, CancellationToken ct = default)
    {
        await PublishAsync(topic, body, ct);
        return true;
    }
}
