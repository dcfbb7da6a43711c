using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.HostGuardian;
using Portal.Web.Features.ShieldingData;

namespace Portal.Web.Features.Fabric;

/// <summary>
/// How the portal reaches the Host Guardian Service. The embedded default (simulated hosts, no <c>Fabric:HgsUrl</c>)
/// runs HGS inside the portal's process, so one command gives a working fabric; HGS still keeps its own store and
/// master key. With <c>Fabric:HgsUrl</c> HGS is its own service. Either way the portal reads only the guardian's public
/// metadata — unless a metadata file is configured, which then wins.
/// </summary>
public static class HostGuardianConnection
{
    public static WebApplicationBuilder AddHostGuardianConnection(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var metadataFileConfigured = !string.IsNullOrWhiteSpace(
            configuration[$"{FabricGuardianOptions.SectionName}:{nameof(FabricGuardianOptions.GuardianMetadataFile)}"]);

        if (IsEmbedded(configuration))
        {
            builder.AddHostGuardianService();
            if (!metadataFileConfigured)
            {
                builder.Services.Replace(ServiceDescriptor.Singleton<IFabricGuardianSource, InProcessFabricGuardianSource>());
            }
        }
        else if (HgsUrl(configuration) is not null && !metadataFileConfigured)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<IFabricGuardianSource, HgsFabricGuardianSource>());
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
        FabricSetup.SimulatedHostCount(configuration) > 0 && HgsUrl(configuration) is null;

    private static string? HgsUrl(IConfiguration configuration) =>
        configuration[$"{FabricOptions.SectionName}:{nameof(FabricOptions.HgsUrl)}"] is { Length: > 0 } url ? url : null;
}
