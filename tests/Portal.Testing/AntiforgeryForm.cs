using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Testing;

/// <summary>The antiforgery token a server-rendered form carries, for tests that post forms as a browser would.</summary>
public static partial class AntiforgeryForm
{
    public const string FieldName = "__RequestVerificationToken";

    public static string TokenIn(string html) =>
        Field().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("The page has no antiforgery token.");

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Field();
}
