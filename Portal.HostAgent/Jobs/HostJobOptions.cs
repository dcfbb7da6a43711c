using System.ComponentModel.DataAnnotations;

namespace Portal.HostAgent.Jobs;

/// <summary>How the agent takes jobs (in the <c>HostAgent</c> section, beside the agent's other settings).</summary>
public sealed class HostJobOptions
{
    public const string SectionName = HostAgentOptions.SectionName;

    /// <summary>How many jobs this host runs at once.</summary>
    [Range(1, 32)]
    public int JobSlots { get; set; } = 2;

    /// <summary>How long one claim waits at the portal for a job (a long poll).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ClaimWait { get; set; } = TimeSpan.FromSeconds(25);
}
