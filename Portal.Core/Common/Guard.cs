namespace Portal.Core.Common;

/// <summary>Small argument rules shared by entity factories; each failure names the field.</summary>
public static class Guard
{
    public static string Text(string? value, string field, int minLength, int maxLength)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length < minLength)
        {
            throw DomainValidationException.For(field, minLength <= 1
                ? $"{field} is required."
                : $"{field} must be at least {minLength} characters.");
        }

        if (trimmed.Length > maxLength)
        {
            throw DomainValidationException.For(field, $"{field} must be at most {maxLength} characters.");
        }

        return trimmed;
    }

    public static int Range(int value, string field, int min, int max) =>
        value < min || value > max
            ? throw DomainValidationException.For(field, $"{field} must be between {min} and {max}.")
            : value;

    /// <summary>
    /// Words a host or another party reports, for a page or the audit log: one line of printable text, cut to fit, and
    /// <paramref name="whenEmpty"/> when there is nothing — never a reason to refuse what carried it.
    /// </summary>
    public static string OneLine(string? value, int maxLength, string whenEmpty)
    {
        var line = new string([.. (value ?? "").Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return line.Length == 0 ? whenEmpty : line.Length > maxLength ? line[..maxLength] : line;
    }
}
