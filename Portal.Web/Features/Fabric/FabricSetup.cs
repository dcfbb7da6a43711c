namespace Portal.Web.Features.Fabric;

/// <summary>The fabric's settings, and the provider's view and API over its guarded hosts.</summary>
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
        builder.Services.AddScoped<FabricAdministration>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFabricAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapFabricAdminEndpoints();
        return app;
    }

    private static bool IsBase64(string value) => Convert.TryFromBase64String(value, new byte[value.Length], out _);
}
