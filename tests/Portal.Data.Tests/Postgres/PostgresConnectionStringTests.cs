using Npgsql;
using Portal.Data.Postgres;
using Portal.Testing;

namespace Portal.Data.Tests.Postgres;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void ConnectionString_NamingNoPreparation_GetsAutomaticPreparation_AndKeepsTheRest()
    {
        var tuned = new NpgsqlConnectionStringBuilder(
            PostgresConnectionString.WithPortalDefaults("Host=db;Port=5433;Username=portal;Password=secret;Maximum Pool Size=50"));

        Assert.Equal(PostgresConnectionString.MaxAutoPrepare, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.Equal(("db", 5433, "portal", "secret", 50), (tuned.Host, tuned.Port, tuned.Username, tuned.Password, tuned.MaxPoolSize));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0")]
    [InlineData("Host=db;MaxAutoPrepare=0")]
    [InlineData("Host=db;max auto prepare=0")]
    public void ConnectionString_NamingItsOwnPreparation_IsLeftAsItIs(string connectionString) =>
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(PostgresConnectionString.WithPortalDefaults(connectionString)).MaxAutoPrepare);

    [Fact]
    public async Task PreparedAutomatically_AQueryRunTwice_IsPreparedOnItsConnection()
    {
        await using var database = PostgresTestDatabase.New("auto_prepare");
        await database.MigrateAsync();
        await using var connection = new NpgsqlConnection(PostgresConnectionString.WithPortalDefaults(database.ConnectionString));
        await connection.OpenAsync();

        for (var i = 0; i < 3; i++)
        {
            await using var query = new NpgsqlCommand("SELECT $1::int + 1", connection) { Parameters = { new() { Value = i } } };
            await query.ExecuteScalarAsync();
        }

        await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int + 1%'", connection);
        Assert.Equal(1L, await prepared.ExecuteScalarAsync());
    }
}
