using Npgsql;
using NpgsqlTypes;

namespace Portal.Bench;

/// <summary>
/// Baseline for the quota reservation: the least a transactional reservation can cost on this database — take a
/// pooled connection, read one row by primary key, insert one row, commit — with plain Npgsql and no ORM.
/// Its tables live in the bench database beside the portal's and go with it.
/// </summary>
public sealed class RawTransaction : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    private RawTransaction(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
    }

    public static async Task<RawTransaction> CreateAsync(string connectionString, int workers, CancellationToken ct)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var setup = dataSource.CreateBatch();
        setup.BatchCommands.Add(new("CREATE TABLE bench_quota (id integer PRIMARY KEY, max_vms integer NOT NULL)"));
        setup.BatchCommands.Add(new(
            "CREATE TABLE bench_reservation (id uuid PRIMARY KEY, quota_id integer NOT NULL, created_at timestamptz NOT NULL)"));
        var rows = new NpgsqlBatchCommand("INSERT INTO bench_quota (id, max_vms) SELECT g, 1000000 FROM generate_series(0, $1 - 1) AS g");
        rows.Parameters.Add(new NpgsqlParameter<int> { TypedValue = workers });
        setup.BatchCommands.Add(rows);
        await setup.ExecuteNonQueryAsync(ct);
        return new RawTransaction(dataSource);
    }

    public BenchOperation Operation => async (worker, _, ct) =>
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var select = new NpgsqlCommand("SELECT max_vms FROM bench_quota WHERE id = $1", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = worker });
            if (await select.ExecuteScalarAsync(ct) is null)
            {
                return $"bench_quota row {worker} is missing";
            }
        }

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO bench_reservation (id, quota_id, created_at) VALUES ($1, $2, $3)", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = worker });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.UtcNow, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await insert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return null;
    };

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
