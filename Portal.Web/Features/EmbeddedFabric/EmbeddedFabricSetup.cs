using System.Security.Cryptography;
using Portal.Data;
using Portal.Web.Features.Fabric;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>
/// The embedded default: simulated guarded hosts and the Host Guardian Service in the portal's own process, and the
/// choice of where this fabric's guardian comes from.
/// </summary>
public static class EmbeddedFabricSetup
{
    public static WebApplicationBuilder AddEmbeddedFabric(this WebApplicationBuilder builder)
    {
        // First: the simulated hosts add the HGS settings the in-process HGS then reads.
        builder.AddSimulatedFabric();
        builder.AddHostGuardianConnection();
        return builder;
    }

    public static WebApplication MapEmbeddedFabric(this WebApplication app) => app.MapEmbeddedHostGuardian();

    /// <summary>Three when the database is the embedded SQLite one, unless <c>Fabric:SimulatedHosts:Count</c> says otherwise.</summary>
    internal static int SimulatedHostCount(IConfiguration configuration)
    {
        var configured = configuration.GetValue<int?>($"{FabricOptions.SectionName}:SimulatedHosts:Count");
        var provider = configuration.GetValue<DatabaseProvider?>($"{DatabaseOptions.SectionName}:Provider") ?? DatabaseProvider.Sqlite;
        return configured ?? (provider == DatabaseProvider.Sqlite ? 3 : 0);
    }

    /// <summary>
    /// The embedded default runs simulated guarded hosts in-process: three when the database is the embedded SQLite
    /// one, unless <c>Fabric:SimulatedHosts:Count</c> says otherwise. HGS then runs in-process too; settings it needs for
    /// the demo that are not configured get embedded defaults (never written anywhere).
    /// </summary>
    private static void AddSimulatedFabric(this WebApplicationBuilder builder)
    {
        var count = SimulatedHostCount(builder.Configuration);
        var dataFolder = builder.GetDataFolder();
        builder.Services.AddSingleton(new SimulatedFabricSettings(count, Path.Combine(dataFolder, "hosts"), dataFolder));
        builder.Services.AddSingleton<EmbeddedHypervisor>();
        if (count == 0)
        {
            return;
        }

        var defaults = new Dictionary<string, string?>
        {
            // Lets the simulated hosts be registered with the in-process HGS; random per start, known only to this process.
            ["Hgs:AdminApiKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Hgs:SeedSimulatedPolicy"] = "true",
            ["Hgs:DataFolder"] = Path.Combine(dataFolder, "hgs"),
        };
        builder.Configuration.AddInMemoryCollection(defaults.Where(kv => string.IsNullOrEmpty(builder.Configuration[kv.Key])));
        builder.Services.AddHostedService<SimulatedFabric>();
    }
}
