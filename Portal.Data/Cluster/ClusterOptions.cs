using System.ComponentModel.DataAnnotations;

namespace Portal.Data.Cluster;

/// <summary>How the portal processes sharing one PostgreSQL database keep in touch.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>How often a quiet listening connection is checked, so a dead one is noticed within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ListenerCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

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
