using Microsoft.Extensions.Logging;

namespace Portal.Data.Cluster;

/// <summary>The subscribers of one process, by topic; a failing subscriber does not stop the others.</summary>
internal sealed class ClusterSubscriptions(ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Action<ClusterMessage>>> _byTopic = new(StringComparer.Ordinal);

    public IDisposable Add(string topic, Action<ClusterMessage> onMessage)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(onMessage);
        lock (_lock)
        {
            if (!_byTopic.TryGetValue(topic, out var list))
            {
                list = [];
                _byTopic.Add(topic, list);
            }

            list.Add(onMessage);
        }

        return new Subscription(this, topic, onMessage);
    }

    public void Dispatch(ClusterMessage message)
    {
        Action<ClusterMessage>[] targets;
        lock (_lock)
        {
            targets = _byTopic.TryGetValue(message.Topic, out var list) ? [.. list] : [];
        }

        foreach (var target in targets)
        {
            try
            {
                target(message);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A subscriber to cluster topic {Topic} failed", message.Topic);
            }
        }
    }

    private void Remove(string topic, Action<ClusterMessage> onMessage)
    {
        lock (_lock)
        {
            if (_byTopic.TryGetValue(topic, out var list) && list.Remove(onMessage) && list.Count == 0)
            {
                _byTopic.Remove(topic);
            }
        }
    }

    private sealed class Subscription(ClusterSubscriptions owner, string topic, Action<ClusterMessage> onMessage) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(topic, onMessage);
            }
        }
    }
}
