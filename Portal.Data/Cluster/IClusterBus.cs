namespace Portal.Data.Cluster;

/// <summary>
/// Short messages between the portal processes that share one database: a change to show, a host to wake, a cached
/// credential to forget. At most once and only while connected: a listener that reconnects may have missed messages,
/// and hears <see cref="Reconnected"/> so it can reload what it holds. One process alone (SQLite) has nobody to tell.
/// </summary>
public interface IClusterBus
{
    /// <summary>This process among the portal's processes; a message names the process that sent it.</summary>
    Guid ProcessId { get; }

    /// <summary>
    /// True while this process hears every message. False between a lost connection and its replacement: whatever
    /// relies on hearing of changes (a credential cache) must not trust itself then.
    /// </summary>
    bool IsListening { get; }

    /// <summary>Raised after listening resumes: messages sent in the gap are lost, so reload.</summary>
    event Action? Reconnected;

    /// <summary>Raised when listening stops (the connection broke); <see cref="IsListening"/> is already false.</summary>
    event Action? Disconnected;

    /// <summary>
    /// Calls <paramref name="onMessage"/> for every message on <paramref name="topic"/> from any process, this one
    /// included, until the handle is disposed. Runs on the listener's thread: return quickly.
    /// </summary>
    IDisposable Subscribe(string topic, Action<ClusterMessage> onMessage);

    /// <summary>Sends a message to every process's subscribers; this process's hear it through the database too.</summary>
    Task PublishAsync(string topic, string body, CancellationToken ct = default);
}

/// <summary>One message: its topic, the sending process, and a short body (under 7,000 characters).</summary>
public sealed record ClusterMessage(string Topic, Guid SenderId, string Body);
