using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Portal.ServiceDefaults;

/// <summary>
/// <c>/healthz/live</c>: the process answers (no dependency is asked, so a database outage does not get it restarted).
/// <c>/healthz/ready</c>: every other check (database reachable, schema current, keys loaded) — take traffic or not.
/// <c>/healthz</c>: all checks together.
/// </summary>
public static class HealthEndpoints
{
    public const string Path = "/healthz";
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";

    /// <summary>The tag of checks that only say the process is up.</summary>
    public const string LiveTag = "live";

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy("The process answers."), [LiveTag]);
        return builder;
    }

    /// <summary>Maps <c>/healthz/live</c> and <c>/healthz/ready</c>, anonymous.</summary>
    public static IEndpointRouteBuilder MapLivenessAndReadiness(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(LivePath, Options(r => r.Tags.Contains(LiveTag))).AllowAnonymous();
        app.MapHealthChecks(ReadyPath, Options(r => !r.Tags.Contains(LiveTag))).AllowAnonymous();
        return app;
    }

    /// <summary>Maps <c>/healthz</c> (all checks), <c>/healthz/live</c> and <c>/healthz/ready</c>, anonymous.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(Path, Options(_ => true)).AllowAnonymous();
        return app.MapLivenessAndReadiness();
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) =>
        new() { Predicate = predicate, ResponseWriter = WriteAsync };

    /// <summary>The status and each check's status and description, as JSON.</summary>
    public static Task WriteAsync(HttpContext http, HealthReport report) =>
        http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
}
