namespace Portal.Core.Attestation.Protocol;

/// <summary>
/// Body of <c>POST /hgs/v1/keys/release</c>: a health certificate, exactly one of a key protector (TPKP) or a
/// shielding data file (TPDK), the request time, and the transport key's proof of possession
/// (<see cref="Evidence.KeyReleaseProof"/>).
/// </summary>
public sealed record KeyReleaseRequest(
    byte[] HealthCertificate,
    byte[]? KeyProtector,
    byte[]? ShieldingData,
    DateTimeOffset RequestedAt,
    byte[] Proof);

/// <summary>The released key, wrapped (RSA-OAEP-SHA256) for the certificate's transport key alone.</summary>
public sealed record KeyReleaseResponse(byte[] WrappedKey, string TransportKeyThumbprint);

/// <summary>Answer of <c>GET /hgs/v1/attestation-signer</c>: the key that signs health certificates.</summary>
public sealed record AttestationSignerInfo(byte[] PublicKey, string Thumbprint, string Algorithm);
