using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.ShieldingData;

/// <summary>Shielding data files, this fabric's guardian and signed template catalogs.</summary>
public static class ShieldingDataSetup
{
    public static WebApplicationBuilder AddShieldingData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FabricGuardianOptions>()
            .BindConfiguration(FabricGuardianOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FabricGuardianOptions>, FabricGuardianOptionsValidator>();

        // A source registered earlier (the Host Guardian Service's) wins; the configured file is the fallback.
        builder.Services.TryAddSingleton<IFabricGuardianSource, ConfiguredFabricGuardianSource>();
        builder.Services.AddScoped<ShieldingDataService>();
        builder.Services.AddScoped<TemplateCatalogService>();
        return builder;
    }
}
