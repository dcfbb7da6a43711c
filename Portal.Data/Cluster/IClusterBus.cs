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
    /// True while this process is sure it has heard every message sent until shortly before: its listening connection
    /// answered a round trip begun within <see cref="ClusterOptions.HearingLease"/>. False between a lost connection
    /// and its replacement, or while the database does not answer: whatever relies on hearing of changes (a
    /// credential cache) must not trust itself then.
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

    /// <summary>
    /// Sends a message and returns once every listening process, this one included, has run its subscribers on it:
    /// what a process holds because it has not heard otherwise (a cached credential) is gone everywhere by then. True
    /// when all confirmed; false when some did not within <see cref="ClusterOptions.ConfirmationTimeout"/>, by which
    /// time those have stopped trusting what they hold (<see cref="IsListening"/> is false for them).
    /// </summary>
    Task<bool> PublishConfirmedAsync(string topic, string body, CancellationToken ct = default);

    /// <summary>The processes listening now, this one included when it is.</summary>
    Task<IReadOnlyCollection<Guid>> ListeningProcessesAsync(CancellationToken ct = default);
}

/// <summary>One message: its topic, the sending process, and a short body (under 7,000 characters).</summary>
public sealed record ClusterMessage(string Topic, Guid SenderId, string Body)
{
    /// <summary>Set when the sender waits for every process to confirm the message (<see cref="IClusterBus.PublishConfirmedAsync"/>).</summary>
    public Guid? Receipt { get; init; }
}
