using System.Security.Cryptography;

namespace Portal.Core.Attestation.Tpm;

/// <summary>The TPM hash algorithms as .NET knows them.</summary>
internal static class TpmHash
{
    public static bool IsHash(TpmAlgorithm algorithm) =>
        algorithm is TpmAlgorithm.Sha1 or TpmAlgorithm.Sha256 or TpmAlgorithm.Sha384 or TpmAlgorithm.Sha512;

    /// <summary>The hashes a signature may use: SHA-1 is too weak to trust for attestation.</summary>
    public static bool IsSignatureHash(TpmAlgorithm algorithm) =>
        algorithm is TpmAlgorithm.Sha256 or TpmAlgorithm.Sha384 or TpmAlgorithm.Sha512;

    public static HashAlgorithmName Name(TpmAlgorithm algorithm) => algorithm switch
    {
        TpmAlgorithm.Sha1 => HashAlgorithmName.SHA1,
        TpmAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        TpmAlgorithm.Sha384 => HashAlgorithmName.SHA384,
        TpmAlgorithm.Sha512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentException($"{algorithm} is not a hash algorithm.", nameof(algorithm)),
    };

    public static int Size(TpmAlgorithm algorithm) => algorithm switch
    {
        TpmAlgorithm.Sha1 => 20,
        TpmAlgorithm.Sha256 => 32,
        TpmAlgorithm.Sha384 => 48,
        TpmAlgorithm.Sha512 => 64,
        _ => throw new ArgumentException($"{algorithm} is not a hash algorithm.", nameof(algorithm)),
    };

    public static byte[] Hash(TpmAlgorithm algorithm, ReadOnlySpan<byte> data) => CryptographicOperations.HashData(Name(algorithm), data);

    public static byte[] Hmac(TpmAlgorithm algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) =>
        CryptographicOperations.HmacData(Name(algorithm), key, data);
}
