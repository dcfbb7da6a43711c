using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data.Auditing;

namespace Portal.Data;

/// <summary>
/// Applies pending migrations of whichever provider is configured (an SQLite database is then kept in write-ahead-log
/// mode), then links audit entries stored before the audit log was chained into the chain, oldest first.
/// </summary>
public sealed class DatabaseMigrator(IDbContextFactory<PortalDbContext> factory, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("Database schema is up to date");
        }
        else
        {
            logger.LogInformation("Applying {Count} migrations: {Migrations}", pending.Count, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (db.Database.IsSqlite())
        {
            // The embedded database is read by pages while hosts' heartbeats write: with a write-ahead log readers never
            // hold a writer back (nor the other way round). The mode is kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        var linked = await db.LinkUnchainedAsync(cancellationToken);
        if (linked > 0)
        {
            logger.LogInformation("Linked {Count} earlier audit entries into the audit chain", linked);
        }
    }

    public async Task<IReadOnlyList<string>> PendingMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)];
    }
}
