using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.HostGuardian.Admin;
using Portal.HostGuardian.Api;
using Portal.HostGuardian.Attestation;
using Portal.HostGuardian.KeyRelease;
using Portal.HostGuardian.Keys;
using Portal.HostGuardian.Options;
using Portal.HostGuardian.RateLimiting;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian;

/// <summary>Hosts the Host Guardian Service in any ASP.NET Core app: standalone (<see cref="GuardianProgram"/>) or inside Portal.Web.</summary>
public static class HostGuardianServiceExtensions
{
    /// <summary>
    /// Registers HGS: options (section <c>Hgs</c>, validated on start — outside Development a master key and an admin
    /// key are required), its own SQLite store (<see cref="HgsDbContext"/>), its keys, attestation (rate-limited per
    /// client address, expired nonces swept), key release and admin use cases, and its OpenAPI document.
    /// The store is migrated and the keys loaded by a hosted service before the app serves requests.
    /// </summary>
    public static IHostApplicationBuilder AddHostGuardianService(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HgsOptions>()
            .BindConfiguration(HgsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<HgsOptions>, HgsOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        // HGS's API is a contract: a number is a JSON number, never also a string (the web default reads both).
        services.Configure<JsonOptions>(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddOpenApi(HgsOpenApi.DocumentName, HgsOpenApi.Configure);
        services.AddRateLimiter(o => o.AddPolicy<string, AttestationRateLimitPolicy>(AttestationRateLimitPolicy.Name));
        services.AddDbContext<HgsDbContext>((provider, options) =>
        {
            var settings = provider.GetRequiredService<IOptions<HgsOptions>>().Value;
            options.UseSqlite(settings.ConnectionString ?? $"Data Source={Path.Combine(settings.DataFolder, "hgs.db")}");
        });

        services.AddSingleton(provider => MasterKey.Load(
            provider.GetRequiredService<IOptions<HgsOptions>>(),
            provider.GetRequiredService<IHostEnvironment>(),
            provider.GetRequiredService<ILogger<MasterKey>>()));
        services.AddSingleton<HgsKeys>();
        services.AddHostedService<HgsInitializer>();

        services.AddScoped<NonceStore>();
        services.AddHostedService<NonceSweeper>();
        services.AddScoped<HostGroupCredentials>();
        services.AddScoped<AttestationService>();
        services.AddScoped<ActivationService>();
        services.AddSingleton<EndorsementKeyCertificates>();
        services.AddScoped<KeyReleaseService>();
        services.AddScoped<HgsAdministration>();
        services.AddScoped<BaselineAdministration>();
        services.AddSingleton<HgsMetrics>();
        services.AddSingleton<VerdictChanges>();
        return builder;
    }

    /// <summary>
    /// Maps <c>/hgs/v1</c> (attestation, key release, guardian metadata, signer), <c>/hgs/v1/admin</c> and HGS's OpenAPI
    /// document at <see cref="HgsOpenApi.DocumentPath"/>. The host app's pipeline must include <c>UseRateLimiter()</c>
    /// for the attestation limits to apply.
    /// </summary>
    public static IEndpointRouteBuilder MapHostGuardianService(this IEndpointRouteBuilder app)
    {
        app.MapHgsEndpoints();
        app.MapHgsAdminEndpoints();
        app.MapOpenApi(HgsOpenApi.DocumentRoute);
        return app;
    }
}
