namespace Portal.ServiceDefaults;

/// <summary>
/// <c>--healthcheck [URL]</c>: asks a running instance's readiness endpoint and exits 0 when it answers 200, 1 otherwise.
/// For container health checks in images that carry no curl or wget. The URL defaults to the first address of
/// <c>ASPNETCORE_URLS</c> (or <c>ASPNETCORE_HTTP_PORTS</c>, else port 8080) on localhost, path <c>/healthz/ready</c>.
/// </summary>
public static class HealthProbe
{
    public const string Switch = "--healthcheck";

    /// <summary>True when <paramref name="args"/> asked for the probe; it has then run and set the exit code.</summary>
    public static async Task<bool> HandledAsync(string[] args)
    {
        var at = Array.IndexOf(args, Switch);
        if (at < 0)
        {
            return false;
        }

        var url = at + 1 < args.Length ? new Uri(args[at + 1]) : DefaultUrl();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url);
            Environment.ExitCode = response.IsSuccessStatusCode ? 0 : 1;
            Console.WriteLine($"{url}: {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Environment.ExitCode = 1;
            Console.WriteLine($"{url}: {e.Message}");
        }

        return true;
    }

    private static Uri DefaultUrl()
    {
        var first = (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        var port = first is not null
            ? new Uri(first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)).Port
            : int.TryParse((Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "").Split(';')[0], out var p) ? p : 8080;
        return new Uri($"http://localhost:{port}{HealthEndpoints.ReadyPath}");
    }
}
