using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portal.ServiceDefaults;

/// <summary>
/// OpenTelemetry traces and metrics: ASP.NET Core, HttpClient, EF Core, the .NET runtime and every meter and activity
/// source named <c>TenantPortal.*</c>, exported over OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (with <c>OTEL_SERVICE_NAME</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, … as the OpenTelemetry SDK reads them).
/// Without an endpoint no tracer or meter provider is made: a provider listens to every request and every SQL command
/// whether or not anything exports what it records (bench/README.md, the fleet run, found it in a busy portal's profile).
/// </summary>
public static class Telemetry
{
    /// <summary>The prefix of the product's own meters and activity sources.</summary>
    public const string Prefix = "TenantPortal";

    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static TBuilder AddTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter($"{Prefix}.*"))
            .WithTracing(tracing => tracing
                .AddSource($"{Prefix}.*")
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsHealthProbe(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation())
            .UseOtlpExporter();
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        return builder;
    }

    private static bool IsHealthProbe(PathString path) => path.StartsWithSegments(HealthEndpoints.Path);
}
