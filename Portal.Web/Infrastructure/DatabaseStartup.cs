using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Cluster;
using Portal.Web.Features.Account;

namespace Portal.Web.Infrastructure;

/// <summary>
/// Runs before the server accepts requests: migrates when configured (the embedded default), refuses to serve
/// a PostgreSQL database that is behind, then makes sure roles and the first provider admin exist — in one portal
/// process at a time, so processes starting together never both create them.
/// </summary>
internal sealed class DatabaseStartup(
    DatabaseMigrator migrator,
    IOptions<DatabaseOptions> options,
    IClusterLocks locks,
    IServiceScopeFactory scopes) : IHostedService
{
    public const string LockName = "database-startup";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.ShouldMigrateOnStart)
        {
            await migrator.MigrateAsync(cancellationToken);
        }
        else
        {
            var pending = await migrator.PendingMigrationsAsync(cancellationToken);
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The database is missing {pending.Count} migrations. Run the portal once with --migrate first.");
            }
        }

        await locks.RunExclusiveAsync(LockName, async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BootstrapAdmin>().EnsureAsync(ct);
        }, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class DatabaseStartupExtensions
{
    public static WebApplicationBuilder AddDatabaseStartup(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<BootstrapAdmin>();
        builder.Services.AddHostedService<DatabaseStartup>();
        return builder;
    }
}
