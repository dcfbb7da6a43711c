using Portal.Core.Fabric.Protocol;

namespace Portal.Core.Fabric;

/// <summary>The figures of one heartbeat that the host entity keeps.</summary>
public sealed record HostHeartbeatFacts(
    HostResources Capacity, HostResources Used, int VmCount, int RunningVmCount, string AgentVersion, HypervisorReport? Hypervisor = null,
    string? Tpm = null);
