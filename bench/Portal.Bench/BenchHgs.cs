using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.HostGuardian;

namespace Portal.Bench;

/// <summary>
/// The standalone Host Guardian Service (Portal.HostGuardian's <see cref="GuardianProgram"/>) on a Kestrel loopback
/// port, environment Production, on a fresh SQLite store in a temporary folder that is deleted on dispose. Its master
/// key is random per run and never written anywhere; the simulated hosts' TPM baseline and code-integrity policy are
/// seeded, so a healthy software TPM passes.
/// </summary>
public sealed class BenchHgs : WebApplicationFactory<GuardianProgram>
{
    /// <summary>The admin API key of this run's HGS (header <c>X-Hgs-Admin-Key</c>); random per run.</summary>
    public string AdminKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("portal-bench-hgs-").FullName;

    public BenchHgs() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

    /// <summary>Starts Kestrel (HGS migrates its store and creates its keys on the way) and returns its address.</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new Uri(addresses.Addresses.Single());
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(DataFolder))
            {
                Directory.Delete(DataFolder, recursive: true);
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Hgs:DataFolder", DataFolder);
        builder.UseSetting("Hgs:MasterKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        builder.UseSetting("Hgs:AdminApiKey", AdminKey);
        builder.UseSetting("Hgs:SeedSimulatedPolicy", "true");
        // The bench attests thousands of times a second from one address; HGS's limit is for strangers, not for it.
        builder.UseSetting("Hgs:AttestationPermitLimit", "100000");
        builder.UseSetting("Hgs:AttestationRateWindow", "00:00:01");
        // Evidence is built before the timed phases; its nonces must outlive the building and the run.
        builder.UseSetting("Hgs:NonceLifetime", "00:30:00");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Warnings go to stderr with the bench's progress lines; stdout carries only the results.
        builder.UseSetting("Logging:Console:LogToStandardErrorThreshold", "Trace");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, SqlCapture.RequestTagStartupFilter>());
    }
}
