using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

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
        builder.Services.AddSingleton<FabricNotifier>();
        builder.Services.AddScoped<FabricMembership>();
        builder.Services.AddScoped<FabricAdministration>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFabricApi(this IEndpointRouteBuilder app)
    {
        app.MapFabricAgentEndpoints();
        app.MapFabricAdminEndpoints();
        return app;
    }

    private static bool IsBase64(string value) => Convert.TryFromBase64String(value, new byte[value.Length], out _);
}
