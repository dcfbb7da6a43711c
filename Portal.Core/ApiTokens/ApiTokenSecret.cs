using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.ApiTokens;

/// <summary>Makes and hashes token secrets: "tpat_" + 32 random bytes, base64url.</summary>
public static class ApiTokenSecret
{
    public const string Marker = "tpat_";
    public const int DisplayPrefixLength = 12;
    private const int SecretBytes = 32;

    public static string Generate() =>
        Marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>
    /// The secret carries 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force,
    /// and lookups stay a single indexed equality.
    /// </summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool LooksLikeToken(string? value) =>
        value is { Length: > 40 and < 100 } && value.StartsWith(Marker, StringComparison.Ordinal);
}
