using Portal.Core.Attestation;
using Portal.Core.Fabric;

namespace Portal.Web.Features.Fabric;

public sealed record HostAttestationDto(
    AttestationStatus Status,
    AttestationSubStatus SubStatus,
    string Reason,
    DateTimeOffset Since,
    DateTimeOffset? HealthCertificateExpiresAt);

public sealed record FabricHostDto(
    Guid Id,
    string Name,
    HostState State,
    DateTimeOffset JoinedAt,
    DateTimeOffset StateChangedAt,
    HostResources Capacity,
    HostResources Used,
    int VmCount,
    int RunningVmCount,
    DateTimeOffset? LastHeartbeatAt,
    bool Responding,
    HostAttestationDto Attestation,
    bool HealthyForShieldedVms,
    string AgentVersion,
    string Hypervisor,
    string Acceleration,
    string Tpm);

public sealed record CreateJoinTokenRequest(int ExpiresInHours = 24);

/// <summary>The only moment a join token exists in the clear: the answer to its creation.</summary>
/// <summary>A join token as it stands later: never its secret, only whether and by which host it was used.</summary>
public sealed record JoinTokenDto(Guid Id, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt, Guid? HostId);

public sealed record IssuedJoinToken(Guid Id, string Token, string Prefix, DateTimeOffset ExpiresAt, string AgentCommand);

internal static class FabricMapping
{
    public static FabricHostDto ToDto(this GuardedHost host, DateTimeOffset now, TimeSpan staleAfter) => new(
        host.Id,
        host.Name,
        host.State,
        host.JoinedAt,
        host.StateChangedAt,
        host.Capacity,
        host.Used,
        host.VmCount,
        host.RunningVmCount,
        host.LastHeartbeatAt,
        !host.IsHeartbeatStale(now, staleAfter),
        new HostAttestationDto(
            host.EffectiveAttestationStatus(now),
            host.AttestationSubStatus,
            host.EffectiveAttestationStatus(now) == host.AttestationStatus
                ? host.AttestationReason
                : $"The health certificate expired at {host.HealthCertificateExpiresAt:u}; the host has not attested again.",
            host.AttestationSince,
            host.HealthCertificateExpiresAt),
        host.IsHealthyForShieldedVms(now, staleAfter),
        host.AgentVersion,
        host.Hypervisor,
        host.Acceleration,
        host.Tpm);
}
