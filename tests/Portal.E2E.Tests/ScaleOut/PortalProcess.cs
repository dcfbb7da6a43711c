using Portal.Testing;

namespace Portal.E2E.Tests.ScaleOut;

/// <summary>One portal as its own <c>dotnet Portal.Web.dll</c> process on a loopback port.</summary>
public sealed class PortalProcess
{
    private PortalProcess(string name, ChildProcess process, Uri url)
    {
        Name = name;
        Process = process;
        Url = url;
    }

    public string Name { get; }

    public ChildProcess Process { get; }

    /// <summary>The process's own address (the proxy's upstream), bypassing the proxy.</summary>
    public Uri Url { get; }

    /// <summary>
    /// Starts a process with the portal's <paramref name="settings"/> (the same for every process) and a data folder of its
    /// own under <paramref name="dataFolder"/>. The <paramref name="first"/> migrates the database and makes the key-ring
    /// certificate; the others only use them.
    /// </summary>
    public static async Task<PortalProcess> StartAsync(
        string name, IReadOnlyDictionary<string, string> settings, string dataFolder, bool first, TimeSpan timeout)
    {
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

        // The build output run as Production answers 500 for _framework/blazor.web.js.
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        environment["Portal__DataFolder"] = Path.Combine(dataFolder, name);
        environment["Database__MigrateOnStart"] = first ? "true" : "false";
        environment["DataProtection__GenerateCertificate"] = first ? "true" : "false";
        var process = ChildProcess.StartBuilt(name, "Portal.Web.dll", ["--urls", "http://127.0.0.1:0"], environment);
        try
        {
            return new PortalProcess(name, process, await process.ListeningAsync(timeout));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public override string ToString() => $"{Name} ({Url.Authority}, pid {Process.Id})";
}
