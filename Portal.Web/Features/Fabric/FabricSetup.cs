using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Portal.Data;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Fabric;

/// <summary>Guarded hosts: the agent API, the provider's fabric API and view, and the embedded simulated hosts.</summary>
public static class FabricSetup
{
    public static WebApplicationBuilder AddFabric(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FabricOptions>()
            .BindConfiguration(FabricOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.AttestationSignerKey is not { Length: > 0 } key || IsBase64(key),
                "Fabric:AttestationSignerKey must be base64 (DER SubjectPublicKeyInfo).")
            .Validate(o => o.HeartbeatStaleAfter > TimeSpan.Zero, "Fabric:HeartbeatStaleAfter must be positive.")
            .ValidateOnStart();

        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, FabricHostAuthenticationHandler>(FabricHostAuthenticationHandler.SchemeName, null);
        builder.Services.Configure<AuthorizationOptions>(o => o.AddPolicy(FabricHostAuthenticationHandler.PolicyName, p => p
            .AddAuthenticationSchemes(FabricHostAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(FabricHostAuthenticationHandler.HostIdClaim)));

        builder.Services.AddHttpClient(HgsAttestationSignerSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<IAttestationSignerSource, HgsAttestationSignerSource>();
        builder.Services.AddScoped<FabricMembership>();
        builder.Services.AddScoped<FabricAdministration>();
        builder.AddSimulatedFabric();
        return builder;
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
        builder.Services.AddSingleton(new SimulatedFabricSettings(count, Path.Combine(dataFolder, "hosts")));
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

    /// <summary>Three when the database is the embedded SQLite one, unless <c>Fabric:SimulatedHosts:Count</c> says otherwise.</summary>
    internal static int SimulatedHostCount(IConfiguration configuration)
    {
        var configured = configuration.GetValue<int?>($"{FabricOptions.SectionName}:SimulatedHosts:Count");
        var provider = configuration.GetValue<DatabaseProvider?>($"{DatabaseOptions.SectionName}:Provider") ?? DatabaseProvider.Sqlite;
        return configured ?? (provider == DatabaseProvider.Sqlite ? 3 : 0);
    }

    public static IEndpointRouteBuilder MapFabricApi(this IEndpointRouteBuilder app)
    {
        app.MapFabricAgentEndpoints();
        app.MapFabricAdminEndpoints();
        return app;
    }

    private static bool IsBase64(string value) => Convert.TryFromBase64String(value, new byte[value.Length], out _);
}
