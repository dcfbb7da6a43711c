using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;

namespace Portal.HostAgent.Attestation;

/// <summary>
/// What an HGS admin needs to register this host: its name, mode and the public key (or group) of that mode — for a
/// TPM-trusted host its endorsement key (TPM2B_PUBLIC) and EK certificate. Public parts only; the agent can hand it to
/// the portal at join time or print it for the HGS admin.
/// </summary>
public sealed record HostAttestationIdentity(
    string HostName, AttestationMode Mode, byte[]? EndorsementKey, byte[]? HostKey, string? Group, byte[]? EndorsementKeyCertificate = null)
{
    /// <summary>The matching HGS admin API request (<c>POST /hgs/v1/admin/hosts</c>).</summary>
    public RegisterHostRequest ToRegistration() => new(HostName, Mode, EndorsementKey, HostKey, Group, EndorsementKeyCertificate);
}
