using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Data;

namespace Portal.Web.Infrastructure.Operations;

/// <summary>Ready only once the database has every migration this build knows (checked until it has, then remembered).</summary>
internal sealed class SchemaReadiness(DatabaseMigrator migrator) : IHealthCheck
{
    private volatile bool _current;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_current)
        {
            return HealthCheckResult.Healthy("The schema is current.");
        }

        try
        {
            var pending = await migrator.PendingMigrationsAsync(cancellationToken);
            _current = pending.Count == 0;
            return _current
                ? HealthCheckResult.Healthy("The schema is current.")
                : HealthCheckResult.Unhealthy($"The database is missing {pending.Count} migrations.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}
