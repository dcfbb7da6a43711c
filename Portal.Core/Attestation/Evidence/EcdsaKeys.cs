using System.Security.Cryptography;

namespace Portal.Core.Attestation.Evidence;

/// <summary>ECDSA verification over an SPKI that fails closed: a malformed key is simply not a valid signer.</summary>
public static class EcdsaKeys
{
    public static bool Verify(ReadOnlySpan<byte> spki, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, HashAlgorithmName hash)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            return read == spki.Length && key.VerifyData(data, signature, hash);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="spki"/> is exactly one ECDSA public key.</summary>
    public static bool IsPublicKey(ReadOnlySpan<byte> spki)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            return read == spki.Length;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
