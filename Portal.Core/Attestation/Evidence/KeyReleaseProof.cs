using System.Security.Cryptography;

namespace Portal.Core.Attestation.Evidence;

/// <summary>
/// Proof that the host asking for a key holds the private half of the transport key its health certificate is bound
/// to: RSA-PSS / SHA-256 over the certificate's hash, the protector's hash and the request time. Without it a stolen
/// certificate would still be useless (keys are wrapped for the bound key), but HGS can refuse — and say why — before
/// releasing anything.
/// </summary>
public static class KeyReleaseProof
{
    private static readonly RSASignaturePadding Padding = RSASignaturePadding.Pss;

    public static byte[] SignedBytes(ReadOnlySpan<byte> healthCertificate, ReadOnlySpan<byte> protectedBlob, DateTimeOffset requestedAt) =>
        new StatementBuilder("TKRQ")
            .Add(SHA256.HashData(healthCertificate))
            .Add(SHA256.HashData(protectedBlob))
            .Add(requestedAt.ToUnixTimeMilliseconds())
            .ToArray();

    public static byte[] Sign(RSA transportPrivateKey, ReadOnlySpan<byte> signedBytes) =>
        transportPrivateKey.SignData(signedBytes.ToArray(), HashAlgorithmName.SHA256, Padding);

    public static bool Verify(RSA transportPublicKey, ReadOnlySpan<byte> signedBytes, ReadOnlySpan<byte> signature)
    {
        try
        {
            return transportPublicKey.VerifyData(signedBytes, signature, HashAlgorithmName.SHA256, Padding);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
