using System.Text.Json.Serialization;

namespace Portal.Core.Attestation;

/// <summary>Why HGS (or the agent, before asking) refused to release a key; every doubt is a refusal.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KeyReleaseRefusal>))]
public enum KeyReleaseRefusal
{
    /// <summary>The host holds no valid health certificate (never attested, failed, or expired locally).</summary>
    NotHealthy,

    /// <summary>The certificate is malformed, forged, signed by another HGS, or not yet valid.</summary>
    CertificateInvalid,

    /// <summary>The certificate's lifetime is over.</summary>
    CertificateExpired,

    /// <summary>HGS revoked the certificate.</summary>
    CertificateRevoked,

    /// <summary>The host named in the certificate is no longer registered with HGS.</summary>
    HostNotRegistered,

    /// <summary>The host's latest attestation did not pass (it has failed since the certificate was issued).</summary>
    HostNotHealthy,

    /// <summary>The key protector or shielding data file does not list this fabric's guardian.</summary>
    GuardianNotListed,

    /// <summary>The key protector or shielding data file is malformed.</summary>
    MalformedProtector,

    /// <summary>The released key could not be unwrapped with this host's transport key (it was meant for another host).</summary>
    TransportKeyMismatch,

    /// <summary>HGS could not be reached or failed; nothing was released.</summary>
    Unavailable,
}
