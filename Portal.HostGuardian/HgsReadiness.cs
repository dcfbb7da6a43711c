using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.HostGuardian.Keys;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian;

/// <summary>HGS is ready when its store answers, its schema is current and its keys are loaded.</summary>
internal sealed class HgsReadiness(IServiceScopeFactory scopes, HgsKeys keys) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HgsDbContext>();
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The HGS store does not answer.");
            }

            if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            {
                return HealthCheckResult.Unhealthy("The HGS store's schema is not current.");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The HGS store does not answer.", e);
        }

        return keys.IsLoaded
            ? HealthCheckResult.Healthy("The store answers and the keys are loaded.")
            : HealthCheckResult.Unhealthy("HGS has not loaded its keys yet.");
    }
}

public static class HgsReadinessExtensions
{
    /// <summary>The standalone HGS's readiness check (<c>/healthz/ready</c>).</summary>
    public static IHostApplicationBuilder AddHostGuardianReadiness(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<HgsReadiness>("hgs-store");
        return builder;
    }
}
