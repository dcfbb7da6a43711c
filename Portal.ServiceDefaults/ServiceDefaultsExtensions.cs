using Microsoft.Extensions.Hosting;

namespace Portal.ServiceDefaults;

/// <summary>What the portal, HGS and the host agent share about running in production.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Quiet logging defaults (overridable by configuration), OpenTelemetry traces and metrics (exported over OTLP only
    /// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set) and the liveness health check.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddLoggingDefaults();
        builder.AddTelemetry();
        builder.AddDefaultHealthChecks();
        return builder;
    }
}
