using Microsoft.Extensions.Options;
using Portal.HostGuardian;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.ShieldingData;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>
/// How the portal reaches the Host Guardian Service. The embedded default (simulated hosts, no <c>Fabric:HgsUrl</c>)
/// runs HGS inside the portal's process, so one command gives a working fabric; HGS still keeps its own store and
/// master key. With <c>Fabric:HgsUrl</c> HGS is its own service. Either way the portal reads only the guardian's public
/// metadata — unless a metadata file is configured, which then wins.
/// </summary>
internal static class HostGuardianConnection
{
    public static WebApplicationBuilder AddHostGuardianConnection(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<FabricGuardianOptions>()
            .BindConfiguration(FabricGuardianOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FabricGuardianOptions>, FabricGuardianOptionsValidator>();

        var metadataFileConfigured = !string.IsNullOrWhiteSpace(
            configuration[$"{FabricGuardianOptions.SectionName}:{nameof(FabricGuardianOptions.GuardianMetadataFile)}"]);
        if (IsEmbedded(configuration))
        {
            builder.AddHostGuardianService();
            builder.Services.AddSingleton<InProcessHgsAdminPages>();
        }

        if (metadataFileConfigured)
        {
            builder.Services.AddSingleton<IFabricGuardianSource, ConfiguredFabricGuardianSource>();
        }
        else if (IsEmbedded(configuration))
        {
            builder.Services.AddSingleton<IFabricGuardianSource, InProcessFabricGuardianSource>();
        }
        else if (HgsUrl(configuration) is not null)
        {
            builder.Services.AddSingleton<IFabricGuardianSource, HgsFabricGuardianSource>();
        }
        else
        {
            // No guardian yet: the source answers null and the shielding data page says so.
            builder.Services.AddSingleton<IFabricGuardianSource, ConfiguredFabricGuardianSource>();
        }

        return builder;
    }

    public static WebApplication MapEmbeddedHostGuardian(this WebApplication app)
    {
        if (IsEmbedded(app.Configuration))
        {
            app.MapHostGuardianService();
        }

        return app;
    }

    private static bool IsEmbedded(IConfiguration configuration) =>
        EmbeddedFabricSetup.SimulatedHostCount(configuration) > 0 && HgsUrl(configuration) is null;

    private static string? HgsUrl(IConfiguration configuration) =>
        configuration[$"{FabricOptions.SectionName}:{nameof(FabricOptions.HgsUrl)}"] is { Length: > 0 } url ? url : null;
}
