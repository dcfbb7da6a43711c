using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Portal.Web.Features.FabricAgents;

/// <summary>The agent protocol: hosts join with a one-time token, then authenticate as themselves to beat.</summary>
public static class FabricAgentsSetup
{
    public static WebApplicationBuilder AddFabricAgents(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, FabricHostAuthenticationHandler>(FabricHostAuthenticationHandler.SchemeName, null);
        builder.Services.Configure<AuthorizationOptions>(o => o.AddPolicy(FabricHostAuthenticationHandler.PolicyName, p => p
            .AddAuthenticationSchemes(FabricHostAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(FabricHostAuthenticationHandler.HostIdClaim)));

        builder.Services.AddHttpClient(HgsAttestationSignerSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<IAttestationSignerSource, HgsAttestationSignerSource>();
        builder.Services.AddScoped<FabricMembership>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFabricAgentApi(this IEndpointRouteBuilder app)
    {
        app.MapFabricAgentEndpoints();
        return app;
    }
}
