using System.Globalization;
using Portal.Core.Common;

namespace Portal.Core.Gallery;

/// <summary>How template disks are named in the library: the upper-case hex SHA-384 of their bytes.</summary>
public static class TemplateDiskHash
{
    public const int HexLength = 96;

    /// <summary>True for 96 hex digits (either case).</summary>
    public static bool IsValid(string? value) => value is { Length: HexLength } && value.All(char.IsAsciiHexDigit);

    public static string Normalize(string? value) =>
        IsValid(value)
            ? value!.ToUpper(CultureInfo.InvariantCulture)
            : throw DomainValidationException.For("DiskSha384", "A template disk hash is a SHA-384: 96 hexadecimal characters.");

    /// <summary>The first 12 characters, enough for people to tell disks apart.</summary>
    public static string Short(string hash) => hash.Length <= 12 ? hash : hash[..12];
}
