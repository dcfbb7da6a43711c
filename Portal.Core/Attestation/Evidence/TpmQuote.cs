using System.Security.Cryptography;

namespace Portal.Core.Attestation.Evidence;

/// <summary>
/// A TPM quote: the TPM signs the nonce, the PCR composite, the code-integrity policy hash and the thumbprint of the
/// host's transport key (binding the certificate HGS issues to the key that will receive released keys). The
/// simulation signs with the endorsement key itself, ECDSA P-256 / SHA-256, IEEE P1363 — a simplification of a real
/// TPM, whose EK only decrypts and which quotes with an attestation key certified by the EK (see
/// docs/decisions/0002-attestation-evidence.md).
/// </summary>
public static class TpmQuote
{
    public static readonly HashAlgorithmName Hash = HashAlgorithmName.SHA256;

    public static byte[] SignedBytes(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> pcrComposite, string codeIntegrityPolicyHash, string transportKeyThumbprint) =>
        new StatementBuilder("TPMQ")
            .Add(nonce)
            .Add(pcrComposite)
            .Add(codeIntegrityPolicyHash.ToUpperInvariant())
            .Add(transportKeyThumbprint.ToUpperInvariant())
            .ToArray();

    /// <summary>True when <paramref name="signature"/> is the endorsement key's signature over the quote.</summary>
    public static bool Verify(ReadOnlySpan<byte> endorsementKeySpki, ReadOnlySpan<byte> signedBytes, ReadOnlySpan<byte> signature) =>
        EcdsaKeys.Verify(endorsementKeySpki, signedBytes, signature, Hash);
}
