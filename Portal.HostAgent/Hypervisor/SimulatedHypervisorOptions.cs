using System.ComponentModel.DataAnnotations;

namespace Portal.HostAgent.Hypervisor;

/// <summary>How long the simulated hypervisor takes for each step (near zero in tests).</summary>
public sealed class SimulatedHypervisorOptions
{
    public const string SectionName = "HostAgent:Hypervisor";

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CreateDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromSeconds(3);

    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StopDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Plaintext bytes per encrypted disk chunk.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int DiskChunkSize { get; set; } = 64 * 1024;
}
