using System.Security.Cryptography;

namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// Credential activation (TPM 2.0 Part 1, §24): HGS encrypts a secret so that only the TPM holding the endorsement key
/// can recover it, and only for a key loaded in that TPM with the given name. A host that answers with the secret
/// thereby proves its attestation key lives in the TPM whose EK HGS registered.
/// </summary>
public static class CredentialActivation
{
    /// <summary>Largest secret a credential carries (a SHA-256 digest's size keeps it inside every TPM's limit).</summary>
    public const int SecretLength = 32;

    /// <summary>
    /// TPM2_MakeCredential in software, for an RSA (OAEP, label "IDENTITY") or ECC (ECDH + KDFe) endorsement key with
    /// the symmetric scheme its public area names (AES-128/256 CFB).
    /// </summary>
    public static TpmCredential Make(TpmPublicArea endorsementKey, ReadOnlySpan<byte> objectName, ReadOnlySpan<byte> secret) =>
        throw new NotImplementedException();

    /// <summary>
    /// TPM2_ActivateCredential in software for an ECC endorsement key (what the software TPM does); null when the
    /// credential was not made for this key and name.
    /// </summary>
    public static byte[]? Activate(ECDiffieHellman endorsementKey, TpmPublicArea endorsementPublic, ReadOnlySpan<byte> objectName, TpmCredential credential) =>
        throw new NotImplementedException();
}
