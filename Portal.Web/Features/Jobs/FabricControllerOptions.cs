using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Jobs;

/// <summary>How the fabric controller hands out jobs (<c>Fabric:Jobs</c>).</summary>
public sealed class FabricControllerOptions
{
    public const string SectionName = "Fabric:Jobs";

    /// <summary>How long a claim holds a job without a report; each report renews it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest an agent's claim waits for work before answering 204.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ClaimWaitMax { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How often waiting jobs and leases are looked at even when nothing signals a change.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait before a failed attempt is placed again; doubled for each further attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan BackoffFor(int attempt) => RetryBackoff * Math.Pow(2, Math.Clamp(attempt - 1, 0, 6));
}
