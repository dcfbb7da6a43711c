using Portal.Core.Attestation;

namespace Portal.Core.Fabric.Protocol;

/// <summary>Paths of the agent-facing API; agents only ever connect out to these.</summary>
public static class FabricRoutes
{
    public const string Base = "/api/fabric/v1";
    public const string Join = Base + "/join";
    public const string Heartbeat = Base + "/heartbeat";

    /// <summary>POST: long-polls for the next job placed on this host (204 when none arrives in time).</summary>
    public const string ClaimJob = Base + "/jobs/claim";

    /// <summary>Per job: <c>{id}/steps</c>, <c>{id}/lease</c>, <c>{id}/key-protector</c>, <c>{id}/shielding-data</c>, <c>{id}/complete</c>.</summary>
    public const string Jobs = Base + "/jobs";

    public static string Job(Guid jobId, string action) => $"{Jobs}/{jobId}/{action}";

    /// <summary>GET <c>{TemplateDisks}/{sha384}</c>: a template disk from the library, with range requests.</summary>
    public const string TemplateDisks = Base + "/template-disks";
}

/// <summary>A new host asks to join the fabric with a one-time token made by a provider admin.</summary>
public sealed record JoinRequest(
    string JoinToken, string HostName, HostResources Capacity, string AgentVersion, byte[]? TransportPublicKey);

/// <summary>
/// The answer to a join: who the host now is, and the credential it authenticates with from now on
/// (<c>Authorization: Bearer tphc_…</c>). The credential is shown only here.
/// </summary>
public sealed record JoinResponse(Guid HostId, string HostName, string Credential);

/// <summary>What the host says about itself on every beat; <c>Tpm</c> says what it attests with (e.g. "swtpm 0.7.1 at …"), null without a TPM.</summary>
public sealed record HeartbeatRequest(
    Guid HostId,
    HostResources Capacity,
    HostResources Used,
    IReadOnlyList<VmReport> Vms,
    AttestationReport? Attestation,
    string AgentVersion,
    HypervisorReport? Hypervisor = null,
    string? Tpm = null);

/// <summary>A VM as its host sees it; <c>Fault</c> says in words why a Crashed VM stopped.</summary>
public sealed record VmReport(Guid VmId, string Name, VmPowerState State, string? Fault = null);

/// <summary>Which hypervisor runs the host's VMs ("Simulated", "QEMU"), its version, and how guests run ("KVM", "TCG …").</summary>
public sealed record HypervisorReport(string Driver, string Acceleration, string? Version);

/// <summary>
/// The host's latest attestation outcome as HGS gave it. The portal believes a Passed only when
/// <see cref="HealthCertificate"/> verifies against HGS's signer and is bound to this host's transport key.
/// </summary>
public sealed record AttestationReport(
    AttestationStatus Status,
    AttestationSubStatus SubStatus,
    string? Reason,
    byte[]? HealthCertificate,
    byte[]? TransportPublicKey);

/// <summary>
/// What the portal recorded; the host uses <see cref="State"/> to learn it is draining or removed. <see
/// cref="StrayVms"/> lists VMs the host reported that the fabric deleted or placed on another host (e.g. a create that
/// moved after this host lost its lease): the host turns them off and deletes them, so no VM runs twice.
/// </summary>
public sealed record HeartbeatResponse(
    HostState State,
    AttestationStatus RecordedAttestation,
    AttestationSubStatus RecordedSubStatus,
    string AttestationReason,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<Guid>? StrayVms = null);
