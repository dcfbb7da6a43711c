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

/// <summary>
/// TPM-trusted evidence, in the TPM's own formats: the endorsement key and the attestation key (TPM2B_PUBLIC each), the
/// quote (TPMS_ATTEST) and the AK's signature over it (TPMT_SIGNATURE), the quoted PCRs' values (SHA-256 bank) and the
/// measured boot log (TCG crypto-agile). The quote's extraData is <see cref="QuoteQualifyingData.For"/> of the nonce
/// and the transport key.
/// </summary>
public sealed record TpmEvidence(
    byte[] EndorsementKey,
    byte[] AttestationKey,
    byte[] Quote,
    byte[] Signature,
    IReadOnlyList<PcrValue> Pcrs,
    byte[] EventLog);

/// <summary>One PCR's value in the SHA-256 bank.</summary>
public sealed record PcrValue(int Index, byte[] Digest);

/// <summary>Host-key evidence: the host key (SPKI), the reported configuration and the signature over both and the nonce.</summary>
public sealed record HostKeyEvidence(byte[] PublicKey, HostConfigurationReport Configuration, byte[] Signature);

/// <summary>Admin-trusted evidence: the host group's name and the HMAC proof of its credential.</summary>
public sealed record AdminTrustedEvidence(string Group, byte[] Proof);
