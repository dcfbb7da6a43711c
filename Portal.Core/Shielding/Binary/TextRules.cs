namespace Portal.Core.Shielding.Binary;

/// <summary>The rules every name stored in a shielding file obeys, checked the same way when writing and reading.</summary>
internal static class TextRules
{
    public static readonly long MinTimestampMilliseconds = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static readonly long MaxTimestampMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Null when <paramref name="text"/> is acceptable, else the end of a sentence saying why ("is empty.").</summary>
    public static string? Check(string text, int minChars, int maxChars)
    {
        if (text.Length < minChars || (minChars > 0 && string.IsNullOrWhiteSpace(text)))
        {
            return "is empty.";
        }

        if (text.Length > maxChars)
        {
            return $"is longer than {maxChars} characters.";
        }

        // Names end up in terminals, logs and web pages; control characters there only serve to deceive.
        return text.Any(char.IsControl) ? "contains control characters." : null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the parameter; for values a caller passes in, not file bytes.</summary>
    public static string Require(string? text, string parameter, int minChars, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text, parameter);
        var problem = Check(text, minChars, maxChars);
        return problem is null ? text : throw new ArgumentException($"{parameter} {problem}", parameter);
    }
}
