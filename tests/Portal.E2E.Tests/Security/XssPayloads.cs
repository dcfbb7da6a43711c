namespace Portal.E2E.Tests.Security;

/// <summary>
/// Classic script-injection strings. Each carries the id of the field it was typed into, so a payload that runs says
/// which field let it through (<c>window.__xss(id)</c>, defined by <see cref="XssDetector"/>).
/// </summary>
public static class XssPayloads
{
    /// <summary>Tags a "formatting only" sanitizer lets through: text must not become markup at all.</summary>
    public static string Markup(string id) => $"<b data-xss=\"{id}\">markup</b>";

    public static string Script(string id) => $"<script>window.__xss('{id}.script')</script>";

    public static string Img(string id) => $"<img src=x onerror=window.__xss('{id}.img')>";

    public static string Svg(string id) => $"\"><svg onload=window.__xss('{id}.svg')>";

    /// <summary>Dangerous where text becomes a link's address.</summary>
    public static string JavascriptUrl(string id) => $"javascript:window.__xss('{id}.url')";

    /// <summary>Meaningless to Blazor (no client-side templates), harmless to carry.</summary>
    public static string Template(string id) => $"{{{{constructor.constructor('window.__xss(\"{id}.template\")')()}}}}";

    /// <summary>For fields of a few dozen characters.</summary>
    public static string Short(string id) => $"<svg onload=__xss('{id}')>";

    /// <summary>
    /// As many of the payloads as fit in <paramref name="maxLength"/> characters, separated by spaces: the longest
    /// hostile text the field is meant to accept.
    /// </summary>
    public static string Fitting(string id, int maxLength)
    {
        var text = "";
        foreach (var payload in All(id))
        {
            var next = text.Length == 0 ? payload : $"{text} {payload}";
            if (next.Length <= maxLength)
            {
                text = next;
            }
        }

        return text.Length > 0 ? text : throw new ArgumentException($"No payload for '{id}' fits in {maxLength} characters.", nameof(maxLength));
    }

    public static IEnumerable<string> All(string id) => [Markup(id), Img(id), Script(id), Svg(id), JavascriptUrl(id), Template(id), Short(id)];
}
