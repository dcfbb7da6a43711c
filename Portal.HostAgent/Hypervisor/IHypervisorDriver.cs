using Portal.Core.Fabric;

namespace Portal.HostAgent.Hypervisor;

/// <summary>
/// The seam between the agent and the hypervisor that runs VMs. The default is <see cref="SimulatedHypervisorDriver"/>;
/// a real Hyper-V or KVM driver would implement the same calls. A VM's key is passed in for the operations that need
/// its disk and is never stored by the driver.
/// </summary>
public interface IHypervisorDriver
{
    /// <summary>What this host offers to VMs.</summary>
    HostResources Capacity { get; }

    /// <summary>What the VMs on this host have been given (every VM counts, running or not).</summary>
    HostResources Used { get; }

    IReadOnlyList<VmInfo> List();

    VmInfo? Find(Guid vmId);

    /// <summary>Creates a VM (Off) whose disk holds <paramref name="diskContent"/>, encrypted with <paramref name="vmKey"/>.</summary>
    /// <exception cref="HypervisorException">Beyond capacity, duplicate id, or a bad key.</exception>
    Task<VmInfo> CreateAsync(VmDefinition definition, Stream diskContent, ReadOnlyMemory<byte> vmKey, CancellationToken ct);

    /// <summary>Off → Starting → Running. The VM boots only if <paramref name="vmKey"/> opens its disk.</summary>
    Task<VmInfo> StartAsync(Guid vmId, ReadOnlyMemory<byte> vmKey, CancellationToken ct);

    /// <summary>Running → Stopping → Off, as a guest shutdown.</summary>
    Task<VmInfo> ShutDownAsync(Guid vmId, CancellationToken ct);

    /// <summary>Pulls the plug: Starting, Running or Stopping → Off at once.</summary>
    Task<VmInfo> TurnOffAsync(Guid vmId, CancellationToken ct);

    /// <summary>Deletes an Off VM's folder, disk included.</summary>
    Task DeleteAsync(Guid vmId, CancellationToken ct);

    /// <summary>Reads the VM's disk as the VM sees it; without the right key this throws.</summary>
    Task ReadDiskAsync(Guid vmId, ReadOnlyMemory<byte> vmKey, Stream destination, CancellationToken ct);
}
