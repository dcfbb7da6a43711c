using System.Text;

namespace Portal.HostGuardian.Logging;

/// <summary>
/// Makes a caller-supplied string safe to log: control characters (CR and LF above all) and Unicode line or paragraph
/// separators are escaped as <c>\uXXXX</c>, so a value cannot start a forged log line; overlong values are cut.
/// Every untrusted value HGS logs goes through <see cref="Safe"/>.
/// </summary>
public static class LogValue
{
    public const int MaxLength = 256;

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(i => (char)i).Concat(['\u2028', '\u2029']).ToArray());

    public static string? Safe(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var cut = value.Length > MaxLength;
        var text = cut ? value.AsSpan(0, MaxLength) : value.AsSpan();
        if (!cut && text.IndexOfAny(Unsafe) < 0)
        {
            return value;
        }

        var safe = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (NeedsEscape(c))
            {
                safe.Append(@"\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                safe.Append(c);
            }
        }

        return cut ? safe.Append('…').ToString() : safe.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
