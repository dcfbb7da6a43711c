using Npgsql;

namespace Portal.E2E.Tests.Infrastructure;

/// <summary>A PostgreSQL database of its own for one test class; the portal creates and migrates it at start.</summary>
public sealed class TestDatabase
{
    private const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=portal;Password=portal";

    private readonly string _server;

    private TestDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static TestDatabase CreateName()
    {
        var server = Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES");
        return new TestDatabase(
            string.IsNullOrWhiteSpace(server) ? DefaultServer : server,
            $"portal_e2e_{Guid.NewGuid():N}");
    }

    public async Task DropAsync()
    {
        // The app's pooled connections would otherwise keep the database busy.
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
