using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Fabric;

/// <summary>
/// Join tokens (<c>tpjt_</c>) and host credentials (<c>tphc_</c>): 32 random bytes, base64url, behind a marker.
/// Only a SHA-256 hash is stored: 256 random bits leave nothing to brute-force, and lookups stay one equality.
/// </summary>
public static class FabricSecret
{
    public const string JoinTokenMarker = "tpjt_";
    public const string HostCredentialMarker = "tphc_";
    public const int DisplayPrefixLength = 12;
    private const int SecretBytes = 32;

    public static string Generate(string marker) =>
        marker + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool LooksLike(string? value, string marker) =>
        value is { Length: > 40 and < 100 } && value.StartsWith(marker, StringComparison.Ordinal);
}
