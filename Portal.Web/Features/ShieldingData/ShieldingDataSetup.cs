namespace Portal.Web.Features.ShieldingData;

/// <summary>
/// Shielding data files and signed template catalogs. This fabric's guardian comes from the
/// <see cref="IFabricGuardianSource"/> that <c>AddEmbeddedFabric()</c> chooses.
/// </summary>
public static class ShieldingDataSetup
{
    public static WebApplicationBuilder AddShieldingData(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ShieldingDataService>();
        builder.Services.AddScoped<TemplateCatalogService>();
        return builder;
    }
}
