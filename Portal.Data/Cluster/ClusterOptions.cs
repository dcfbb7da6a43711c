using System.ComponentModel.DataAnnotations;

namespace Portal.Data.Cluster;

/// <summary>How the portal processes sharing one PostgreSQL database keep in touch.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>
    /// How often the listening connection makes a round trip to the database, busy or quiet: each one that answers
    /// proves every message sent before it began has been heard (PostgreSQL delivers them first).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ListenerCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after its last answered round trip began a process still trusts that it has heard every message
    /// (<see cref="IClusterBus.IsListening"/>): three checks, so one slow answer does not cost the trust.
    /// </summary>
    public TimeSpan HearingLease => ListenerCheckInterval * 3;

    /// <summary>
    /// How long <see cref="IClusterBus.PublishConfirmedAsync"/> waits for every process to confirm: longer than
    /// <see cref="HearingLease"/>, so a process that has not confirmed by then no longer trusts what it holds.
    /// </summary>
    public TimeSpan ConfirmationTimeout => HearingLease + ListenerCheckInterval;

    /// <summary>The longest wait between two attempts to reconnect the listener (attempts start at 100 ms, doubling).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a process that is not the leader of a singleton (the fabric controller, say) tries to become it, and
    /// how often the leader checks that it still holds its lock. A dead leader is replaced within about this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan LeaderCheckInterval { get; set; } = TimeSpan.FromSeconds(2);
}
