using System.Globalization;

namespace Portal.HostGuardian.AdminPages.Controls;

/// <summary>How the admin pages write digests and times: hex shortened for the eye, the full value kept for a title.</summary>
public static class HgsFormat
{
    public static string Hex(byte[]? value) => value is null ? "" : Convert.ToHexString(value);

    public static string Short(string? hex) => hex is null ? "—" : hex.Length <= 16 ? hex : $"{hex[..8]}…{hex[^8..]}";

    public static string Short(byte[]? value) => value is null ? "none" : Short(Convert.ToHexString(value));

    public static string When(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";
}
