using Portal.Core.Attestation.Evidence;

namespace Portal.Core.Attestation.Protocol;

/// <summary>
/// Body of <c>POST /hgs/v1/attest</c>: the nonce from a challenge, the transport key (DER SPKI, RSA) the health
/// certificate will be bound to, and the evidence of exactly one mode. Binary fields are base64 in JSON.
/// </summary>
public sealed record AttestationRequest(
    AttestationMode Mode,
    string HostName,
    byte[] Nonce,
    byte[] TransportKey,
    TpmEvidence? Tpm = null,
    HostKeyEvidence? HostKey = null,
    AdminTrustedEvidence? AdminTrusted = null);

/// <summary>TPM-trusted evidence: the EK (SPKI), the quoted PCR composite, CI policy hash, the boot log and the quote signature.</summary>
public sealed record TpmEvidence(
    byte[] EndorsementKey,
    byte[] PcrDigest,
    string CodeIntegrityPolicy,
    IReadOnlyList<BootEvent> BootLog,
    byte[] Signature);

/// <summary>Host-key evidence: the host key (SPKI), the reported configuration and the signature over both and the nonce.</summary>
public sealed record HostKeyEvidence(byte[] PublicKey, HostConfigurationReport Configuration, byte[] Signature);

/// <summary>Admin-trusted evidence: the host group's name and the HMAC proof of its credential.</summary>
public sealed record AdminTrustedEvidence(string Group, byte[] Proof);
