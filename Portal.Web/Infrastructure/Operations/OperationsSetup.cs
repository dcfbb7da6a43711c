using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Portal.Web.Infrastructure.Operations;

/// <summary>
/// The portal's part of running in production, beside the shared service defaults: PostgreSQL (Npgsql) traces and
/// metrics, readiness (database reachable and its schema current), and the first-start banner.
/// </summary>
public static class OperationsSetup
{
    public static WebApplicationBuilder AddPortalOperations(this WebApplicationBuilder builder)
    {
        // Joins the service defaults' providers, made only when telemetry is exported.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddNpgsql());
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddNpgsqlInstrumentation());
        builder.Services.AddSingleton<SchemaReadiness>();
        builder.Services.AddHealthChecks().AddCheck<SchemaReadiness>("schema");

        builder.Services.AddSingleton<FirstStartBanner>();
        builder.Services.AddSingleton<LogActivity>();
        builder.Logging.Services.AddSingleton<ILoggerProvider>(provider => provider.GetRequiredService<LogActivity>());
        builder.Services.AddHostedService<FirstStartBannerWriter>();
        return builder;
    }
}
