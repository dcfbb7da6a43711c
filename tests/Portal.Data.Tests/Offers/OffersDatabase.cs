using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Sqlite;
using Portal.Testing;

namespace Portal.Data.Tests.Offers;

/// <summary>A fresh, migrated database of one provider; each <see cref="CreateContext"/> is its own connection.</summary>
public abstract class OffersDatabase : IAsyncLifetime
{
    public abstract PortalDbContext CreateContext();

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();
}

public sealed class PostgresOffersDatabase : OffersDatabase
{
    private readonly PostgresTestDatabase _database = PostgresTestDatabase.New("offers");

    public override PortalDbContext CreateContext() => _database.CreateContext();

    public override Task InitializeAsync() => _database.MigrateAsync();

    public override async Task DisposeAsync() => await _database.DisposeAsync();
}

public sealed class SqliteOffersDatabase : OffersDatabase
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"portal-offers-{Guid.NewGuid():N}");

    public override PortalDbContext CreateContext() =>
        new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite(SqliteDefaults.ConnectionString(_folder))
            .Options);

    public override async Task InitializeAsync()
    {
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
