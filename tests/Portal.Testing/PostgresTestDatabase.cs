using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data.Postgres;

namespace Portal.Testing;

/// <summary>
/// A throwaway database on the test PostgreSQL server: a fresh name per fixture, dropped on dispose.
/// The server comes from PORTAL_TEST_POSTGRES (the test script starts one on 127.0.0.1:5432).
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly string _server;

    private PostgresTestDatabase(string name, string server)
    {
        Name = name;
        _server = server;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=portal;Password=portal";

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Names a database that does not exist yet; migrations (or the app at start) create it.</summary>
    public static PostgresTestDatabase New(string purpose, string? server = null) =>
        new($"portal_{purpose}_{Guid.NewGuid():N}", server ?? ServerConnectionString);

    public PostgresPortalDbContext CreateContext() =>
        new(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(ConnectionString).Options);

    public async Task MigrateAsync()
    {
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && DateTimeOffset.UtcNow < deadline)
            {
                // FORCE cannot end a superuser's backend (an autovacuum worker on the fresh database): try again once it is done.
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
