using Portal.Data.Cluster;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>A cluster bus a test drives: it hears what the test says another process sent, and can lose its connection.</summary>
public sealed class TestClusterBus : IClusterBus
{
    private readonly List<(string Topic, Action<ClusterMessage> Handler)> _subscribers = [];

    public Guid ProcessId { get; } = Guid.NewGuid();

    public Guid OtherProcessId { get; } = Guid.NewGuid();

    public bool IsListening { get; private set; } = true;

    public List<ClusterMessage> Published { get; } = [];

    public event Action? Reconnected;

    public event Action? Disconnected;

    public IDisposable Subscribe(string topic, Action<ClusterMessage> onMessage)
    {
        var entry = (topic, onMessage);
        _subscribers.Add(entry);
        return new Unsubscriber(() => _subscribers.Remove(entry));
    }

    /// <summary>Sends to the other processes; like PostgreSQL, this process hears its own message too.</summary>
    public Task PublishAsync(string topic, string body, CancellationToken ct = default)
    {
        var message = new ClusterMessage(topic, ProcessId, body);
        Published.Add(message);
        Deliver(message);
        return Task.CompletedTask;
    }

    public async Task<bool> PublishConfirmedAsync(string topic, string body, CancellationToken ct = default)
    {
        await PublishAsync(topic, body, ct);
        return true;
    }

    public Task<IReadOnlyCollection<Guid>> ListeningProcessesAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyCollection<Guid>>(IsListening ? [ProcessId, OtherProcessId] : []);

    /// <summary>A message from another portal process.</summary>
    public void HearFromOther(string topic, string body) => Deliver(new ClusterMessage(topic, OtherProcessId, body));

    public void LoseConnection()
    {
        IsListening = false;
        Disconnected?.Invoke();
    }

    public void Reconnect()
    {
        IsListening = true;
        Reconnected?.Invoke();
    }

    private void Deliver(ClusterMessage message)
    {
        foreach (var (topic, handler) in _subscribers.ToList())
        {
            if (topic == message.Topic)
            {
                handler(message);
            }
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
