using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Hypervisor;

public sealed record VmDefinition(Guid Id, string Name, HostResources Size, bool Shielded);

/// <summary>
/// A VM on this host. <c>Specialized</c>: its guest applied its specialisation at first boot, so later boots do not ask
/// for it again. <c>Fault</c>: why a Crashed VM stopped, in words (e.g. "QEMU exited with signal 9").
/// </summary>
public sealed record VmInfo(
    Guid Id,
    string Name,
    HostResources Size,
    bool Shielded,
    VmPowerState State,
    DateTimeOffset StateChangedAt,
    bool Specialized = false,
    string? Fault = null);

/// <summary>
/// Which hypervisor runs this host's VMs: <c>Driver</c> "Simulated" or "QEMU"; <c>Acceleration</c> how guests run, e.g.
/// "KVM", "TCG (KVM probe: no guest output within 20 s)", or "none"; <c>Version</c> where the hypervisor has one.
/// </summary>
public sealed record HypervisorInfo(string Driver, string Acceleration, string? Version = null);

/// <summary>What the guest reported once specialised, e.g. "specialised as web-01".</summary>
public sealed record GuestSpecializationResult(string ComputerName, string Report);

public enum HypervisorError
{
    CapacityExceeded,
    NotFound,
    AlreadyExists,
    InvalidState,
    WrongKey,
    TemplateChanged,

    /// <summary>The guest failed, refused its specialisation, or did not answer in time.</summary>
    GuestFailed,

    /// <summary>The hypervisor process (QEMU, swtpm, qemu-img) failed or exited unexpectedly.</summary>
    HypervisorFailed,

    NotSupported,
}

/// <summary>The hypervisor refused an operation; <see cref="Error"/> is the stable reason.</summary>
public sealed class HypervisorException(HypervisorError error, string message, Exception? inner = null) : Exception(message, inner)
{
    public HypervisorError Error { get; } = error;
}
