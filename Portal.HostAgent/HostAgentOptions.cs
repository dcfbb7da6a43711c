using System.ComponentModel.DataAnnotations;
using Portal.Core.Fabric;

namespace Portal.HostAgent;

public sealed class HostAgentOptions
{
    public const string SectionName = "HostAgent";

    /// <summary>The portal's base address; the agent only ever connects out to it.</summary>
    [Required]
    public Uri PortalUrl { get; set; } = new("http://localhost:5080");

    [Required]
    [StringLength(GuardedHost.NameMaxLength, MinimumLength = 1)]
    [RegularExpression("^[A-Za-z0-9._-]+$", ErrorMessage = "HostAgent:HostName may use letters, digits, '-', '.' and '_' only.")]
    public string HostName { get; set; } = Environment.MachineName;

    /// <summary>Where the agent keeps its credential, keys and VMs.</summary>
    [Required]
    public string DataFolder { get; set; } = "agent-data";

    /// <summary>
    /// The one-time token from the provider's Fabric page. Needed only for the first start; afterwards the agent
    /// authenticates with the credential it keeps in its data folder.
    /// </summary>
    public string? JoinToken { get; set; }

    /// <summary>What this host offers to VMs. Optional for the QEMU driver, which then reads it from the host (cores, memory, free disk).</summary>
    public HostCapacityOptions? Capacity { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait before trying again when the portal cannot be reached.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Which hypervisor runs this host's VMs (<c>HostAgent:Hypervisor</c>).</summary>
public enum HypervisorKind
{
    Simulated,
    Qemu,
}

/// <summary>What this host offers to VMs.</summary>
public sealed class HostCapacityOptions
{
    [Range(1, HostResources.MaxVcpus)]
    public int Vcpus { get; set; } = 16;

    [Range(1, HostResources.MaxMemoryGiB)]
    public int MemoryGiB { get; set; } = 64;

    [Range(1, HostResources.MaxStorageGiB)]
    public int StorageGiB { get; set; } = 1024;

    public HostResources ToResources() => new(Vcpus, MemoryGiB, StorageGiB);
}
