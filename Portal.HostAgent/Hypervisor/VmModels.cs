using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Hypervisor;

public sealed record VmDefinition(Guid Id, string Name, HostResources Size, bool Shielded);

public sealed record VmInfo(Guid Id, string Name, HostResources Size, bool Shielded, VmPowerState State, DateTimeOffset StateChangedAt);

public enum HypervisorError
{
    CapacityExceeded,
    NotFound,
    AlreadyExists,
    InvalidState,
    WrongKey,
}

/// <summary>The hypervisor refused an operation; <see cref="Error"/> is the stable reason.</summary>
public sealed class HypervisorException(HypervisorError error, string message, Exception? inner = null) : Exception(message, inner)
{
    public HypervisorError Error { get; } = error;
}
