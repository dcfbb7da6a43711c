using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Testing;

namespace Portal.Web.Tests.Operations;

/// <summary>
/// What <c>dotnet run --project Portal.Web</c> gives (Development, SQLite, HGS and three simulated hosts in-process, the
/// third failing attestation) on a real loopback port and its own data folder, with the app's own log levels: the
/// captured logs see exactly what the console would.
/// </summary>
public sealed class EmbeddedDefaultServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"portal-embedded-{Guid.NewGuid():N}");

    public CapturedLogs Logs { get; } = new();

    public Uri Start()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
    }

    Task IAsyncLifetime.InitializeAsync()
    {
        Start();
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Portal:DataFolder", _dataFolder);
        builder.UseSetting("Portal:SeedDemoOffer", "false");
        builder.UseSetting("Fabric:SimulatedHosts:HeartbeatIntervalSeconds", "1");
        builder.UseSetting("Fabric:SimulatedHosts:Hypervisor", "Simulated");
        // The failing host retries attestation every beat, so the quiet run below covers retries too.
        builder.UseSetting("Fabric:SimulatedHosts:Hosts:3:HostAgent:AttestationRetryInterval", "00:00:01");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
