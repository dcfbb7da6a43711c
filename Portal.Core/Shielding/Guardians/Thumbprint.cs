using System.Security.Cryptography;

namespace Portal.Core.Shielding.Guardians;

/// <summary>
/// A key's thumbprint: SHA-256 of its DER SubjectPublicKeyInfo, written as 64 upper-case hex characters. Stored in
/// binary formats as the 32 raw bytes.
/// </summary>
public static class Thumbprint
{
    public const int ByteLength = 32;

    public const int HexLength = 64;

    public static string Of(ReadOnlySpan<byte> subjectPublicKeyInfo) => Convert.ToHexString(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>Whether two thumbprints are the same, ignoring hex case.</summary>
    public static bool AreEqual(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="text"/> is 64 hex characters.</summary>
    public static bool IsWellFormed(string? text) => text is { Length: HexLength } && text.All(char.IsAsciiHexDigit);
}
