using Microsoft.EntityFrameworkCore;
using Portal.Testing;

namespace Portal.Data.Tests.Foundation;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_ApplyOnAFreshPostgresDatabase()
    {
        await using var database = PostgresTestDatabase.New("migrations");
        await database.MigrateAsync();

        await using var db = database.CreateContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Tenants.CountAsync());
    }

    [Fact]
    public async Task Migrations_ApplyOnAFreshSqliteDatabase()
    {
        using var database = new SqliteTestDatabase();
        await using var db = database.CreateContext();

        await db.Database.MigrateAsync();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.Tenants.CountAsync());
    }

    [Fact]
    public async Task Postgres_HasNoModelChangesWithoutAMigration()
    {
        await using var database = PostgresTestDatabase.New("pending");
        await using var db = database.CreateContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a PostgreSQL migration: run dotnet ef migrations add … --context PostgresPortalDbContext");
    }

    [Fact]
    public void Sqlite_HasNoModelChangesWithoutAMigration()
    {
        using var database = new SqliteTestDatabase();
        using var db = database.CreateContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a SQLite migration: run dotnet ef migrations add … --context SqlitePortalDbContext");
    }

    [Fact]
    public void BothProviders_HaveTheSameMigrationNames()
    {
        using var sqlite = new SqliteTestDatabase();
        using var sqliteDb = sqlite.CreateContext();
        var postgres = PostgresTestDatabase.New("names");
        using var postgresDb = postgres.CreateContext();

        static IEnumerable<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[15..]);

        Assert.Equal(Names(postgresDb), Names(sqliteDb));
    }
}
