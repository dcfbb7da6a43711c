using Portal.Core.Fabric;

namespace Portal.HostAgent.Hypervisor;

/// <summary>
/// The hypervisor of a guarded host, as the agent drives it: the simulated one, or QEMU on Linux hosts. Every VM's disk
/// is encrypted with its VM key; a VM starts only with the key that opens it.
/// </summary>
public interface IHypervisorDriver
{
    /// <summary>Which hypervisor this is and how it runs guests, as the Fabric page shows it.</summary>
    HypervisorInfo Info { get; }

    /// <summary>What this host offers to VMs.</summary>
    HostResources Capacity { get; }

    /// <summary>What the VMs on this host have been given (every VM counts, running or not).</summary>
    HostResources Used { get; }

    IReadOnlyList<VmInfo> List();

    VmInfo? Find(Guid vmId);

    /// <summary>
    /// Creates a VM (Off) whose disk is a copy of the template disk at <paramref name="templateDiskPath"/>, encrypted with
    /// <paramref name="vmKey"/>. The template's bytes must still hash to <paramref name="templateSha384"/>.
    /// </summary>
    /// <exception cref="HypervisorException">Beyond capacity, duplicate id, a bad key, or a template that changed.</exception>
    Task<VmInfo> CreateAsync(VmDefinition definition, string templateDiskPath, string templateSha384, ReadOnlyMemory<byte> vmKey, CancellationToken ct);

    /// <summary>Off or Crashed → Starting → Running once the guest has booted. Only <paramref name="vmKey"/> opens the disk.</summary>
    Task<VmInfo> StartAsync(Guid vmId, ReadOnlyMemory<byte> vmKey, CancellationToken ct);

    /// <summary>
    /// At a running VM's first boot: hands <paramref name="archive"/> (see <c>GuestSpecialization</c>) to the guest over a
    /// host-local channel — never a file — and waits until the guest has applied it to its encrypted disk. Progress lines
    /// (no secrets) go to <paramref name="progress"/>.
    /// </summary>
    /// <exception cref="HypervisorException">The guest refused it, failed, or did not answer in time.</exception>
    Task<GuestSpecializationResult> SpecializeAsync(Guid vmId, ReadOnlyMemory<byte> archive, IProgress<string> progress, CancellationToken ct);

    /// <summary>Running → Stopping → Off, as a guest shutdown (ACPI power button).</summary>
    Task<VmInfo> ShutDownAsync(Guid vmId, CancellationToken ct);

    /// <summary>Pulls the plug: Starting, Running or Stopping → Off at once.</summary>
    Task<VmInfo> TurnOffAsync(Guid vmId, CancellationToken ct);

    /// <summary>Deletes an Off (or Crashed) VM's folder, disk and vTPM state included.</summary>
    Task DeleteAsync(Guid vmId, CancellationToken ct);

    /// <summary>
    /// The running VM's serial console as a duplex stream (guest output to read, keystrokes to write). Several may be open
    /// at once; disposing one closes only that viewer.
    /// </summary>
    Task<Stream> OpenConsoleAsync(Guid vmId, CancellationToken ct);
}
