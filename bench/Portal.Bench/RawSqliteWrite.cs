using Microsoft.Data.Sqlite;

namespace Portal.Bench;

/// <summary>
/// The floor of a durable write on HGS's store: a SQLite file of its own beside HGS's, in the mode HGS sets (a
/// write-ahead log, synchronous FULL), one small INSERT per operation in its own implicit transaction
/// from a pooled connection. SQLite takes one writer at a time, so concurrent workers queue on the file's lock.
/// </summary>
public sealed class RawSqliteWrite : IAsyncDisposable
{
    private readonly string _connectionString;

    private RawSqliteWrite(string connectionString) => _connectionString = connectionString;

    public static async Task<RawSqliteWrite> CreateAsync(string folder, CancellationToken ct)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "bench-raw.db") }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var create = connection.CreateCommand();
        create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, data BLOB NOT NULL)";
        await create.ExecuteNonQueryAsync(ct);
        return new RawSqliteWrite(connectionString);
    }

    public BenchOperation Insert => async (_, sequence, ct) =>
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO writes (at, data) VALUES ($at, $data)";
        insert.Parameters.AddWithValue("$at", sequence);
        insert.Parameters.AddWithValue("$data", new byte[32]);
        return await insert.ExecuteNonQueryAsync(ct) == 1 ? null : "the row was not inserted";
    };

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
