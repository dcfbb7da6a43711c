namespace Portal.Web.Infrastructure;

public static class LocalUrl
{
    /// <summary>Only same-site paths are followed after sign-in; anything else lands on the dashboard.</summary>
    public static string OrHome(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
