using System.Security.Cryptography;

namespace Portal.Core.Shielding.Guardians;

/// <summary>
/// The one set of algorithms a version-1 guardian uses: ECDSA on NIST P-384 with SHA-384 (IEEE P1363 signatures,
/// 96 bytes) for signing, RSA (3072 bits when we make one; 3072–8192 accepted) with OAEP-SHA256 for key wrapping.
/// </summary>
public static class GuardianAlgorithms
{
    public const string SigningAlgorithm = "ECDSA-P384-SHA384";

    public const string EncryptionAlgorithm = "RSA-OAEP-SHA256";

    public const int SignatureLength = 96;

    public const int RsaKeySizeCreated = 3072;

    public const int RsaKeySizeMin = 3072;

    public const int RsaKeySizeMax = 8192;

    // DER SPKI sizes: P-384 is 120 bytes; RSA-8192 with a 4-byte exponent stays under 1100.
    internal const int SigningKeyMaxBytes = 256;

    internal const int EncryptionKeyMaxBytes = 1200;

    private const string P384Oid = "1.3.132.0.34";

    // SEQUENCE { SEQUENCE { id-ecPublicKey, secp384r1 }, BIT STRING (0 unused bits) } before the 97-byte point.
    private static readonly byte[] P384SpkiPrefix = Convert.FromHexString("3076301006072A8648CE3D020106052B81040022036200");

    internal static readonly HashAlgorithmName SignatureHash = HashAlgorithmName.SHA384;

    internal static ECDsa CreateSigningKey() => ECDsa.Create(ECCurve.NamedCurves.nistP384);

    internal static RSA CreateEncryptionKey() => RSA.Create(RsaKeySizeCreated);

    /// <summary>Null when the key is a P-384 ECDSA key, else why not.</summary>
    internal static string? CheckSigningKey(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        return key.KeySize == 384 && curve.IsNamed && curve.Oid.Value == P384Oid
            ? null
            : $"the signing key must be ECDSA on curve P-384 (it is a {key.KeySize}-bit key).";
    }

    /// <summary>Null when the key is RSA of an accepted size, else why not.</summary>
    internal static string? CheckEncryptionKey(RSA key) =>
        key.KeySize is >= RsaKeySizeMin and <= RsaKeySizeMax
            ? null
            : $"the encryption key must be RSA of {RsaKeySizeMin} to {RsaKeySizeMax} bits (it has {key.KeySize}).";

    /// <summary>
    /// Imports a DER SPKI as a P-384 verification key. The bytes must be the one DER form of a named-curve P-384 key
    /// (fixed prefix, uncompressed point) and exactly what the key re-exports, so one key has one thumbprint and hostile
    /// curve parameters never reach the platform's parser.
    /// </summary>
    internal static ECDsa ImportSigningKey(ReadOnlySpan<byte> spki, ShieldingFormat format, string field)
    {
        if (spki.Length != P384SpkiPrefix.Length + 97 || !spki.StartsWith(P384SpkiPrefix))
        {
            throw ShieldingFormatException.Create(format, ShieldingFormatError.InvalidKey, $"{field} is not an ECDSA P-384 public key.");
        }

        return Import(ECDsa.Create(), spki, format, field, "an ECDSA P-384 public key", key => CheckSigningKey((ECDsa)key));
    }

    /// <summary>Imports a DER SPKI as an RSA wrapping key; canonical encoding and size are checked.</summary>
    internal static RSA ImportEncryptionKey(ReadOnlySpan<byte> spki, ShieldingFormat format, string field) =>
        Import(RSA.Create(), spki, format, field, "an RSA public key", key => CheckEncryptionKey((RSA)key));

    private static T Import<T>(T key, ReadOnlySpan<byte> spki, ShieldingFormat format, string field, string expected, Func<AsymmetricAlgorithm, string?> check)
        where T : AsymmetricAlgorithm
    {
        try
        {
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            var problem = read != spki.Length || !key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki)
                ? "is not a canonically encoded public key."
                : check(key);
            return problem is null ? key : throw ShieldingFormatException.Create(format, ShieldingFormatError.InvalidKey, $"{field} {problem}");
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException or NotSupportedException or ArgumentException)
        {
            // Hostile bytes: the platform (OpenSSL on Linux) reports odd curves and encodings through all of these.
            key.Dispose();
            throw ShieldingFormatException.Create(format, ShieldingFormatError.InvalidKey, $"{field} is not {expected}.");
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
