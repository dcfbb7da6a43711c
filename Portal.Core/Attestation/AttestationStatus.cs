using System.Text.Json.Serialization;

namespace Portal.Core.Attestation;

/// <summary>
/// The verdict of one attestation, as HGS reports it and as the portal shows it. Only <see cref="Passed"/> comes with
/// a health certificate; every other value says why a host may not run shielded VMs.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttestationStatus>))]
public enum AttestationStatus
{
    /// <summary>The host meets policy; a health certificate was issued.</summary>
    Passed,

    /// <summary>The host is known but its configuration breaks policy; the sub-status says which part.</summary>
    InsecureHostConfiguration,

    /// <summary>HGS does not know this host (unregistered key, removed host, group not allowed, bad credential).</summary>
    UnauthorizedHost,

    /// <summary>The evidence itself is unusable: bad signature, stale or replayed nonce, malformed quote.</summary>
    TpmError,

    /// <summary>The host's health certificate has expired; it must attest again.</summary>
    Expired,

    /// <summary>HGS could not be reached or failed; the host is not healthy until it attests again.</summary>
    TransientError,

    /// <summary>Attestation is not configured (no HGS URL, or HGS has no guardian or policy yet).</summary>
    NotConfigured,
}
