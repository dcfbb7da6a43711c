using System.Globalization;
using System.Text;
using Npgsql;

namespace Portal.Bench;

/// <summary>
/// The job queue's own database work run by pgbench, as the floor for the agent protocol: per job one transaction that
/// claims the host's oldest placed job the way <c>JobQueue.ClaimNextAsync</c> does (<c>FOR UPDATE SKIP LOCKED</c>), moves
/// it to Running (fencing number, attempt, lease) and then to Succeeded, and commits. It works on <c>bench_jobs</c>, a
/// table shaped like <c>jobs</c> (same columns and indexes) filled with copies of the run's real job rows, placed on K
/// hosts with <c>backlog</c> jobs each; every completed job puts a fresh copy at the back of its host's queue in the same
/// statement, so the backlog stays the same and the run never runs dry.
/// </summary>
public static class ClaimPgBench
{
    private const string HostPrefix = "00000000-0000-0000-0000-";

    // pgbench substitutes :h and :id (also inside quotes); \gset stores the claimed id in :id.
    private const string Script = """
        \set h :client_id % {HOSTS}
        BEGIN;
        SELECT "Id" AS id FROM bench_jobs WHERE "HostId" = ('{PREFIX}' || lpad((:h)::text, 12, '0'))::uuid AND "State" = 'Placing' ORDER BY "CreatedAt" LIMIT 1 FOR UPDATE SKIP LOCKED \gset
        UPDATE bench_jobs SET "Attempt" = "Attempt" + 1, "FencingToken" = "FencingToken" + 1, "LeaseExpiresAt" = now() + interval '60 seconds', "StartedAt" = now(), "State" = 'Running', "StateChangedAt" = now() WHERE "Id" = ':id';
        WITH done AS (UPDATE bench_jobs SET "FinishedAt" = now(), "LeaseExpiresAt" = NULL, "State" = 'Succeeded', "StateChangedAt" = now() WHERE "Id" = ':id' RETURNING *) INSERT INTO bench_jobs ({COLUMNS}) SELECT {REFILL} FROM done;
        COMMIT;
        """;

    public static async Task<PgBenchResult> RunAsync(
        string executable, string connectionString, int hosts, int backlog, TimeSpan duration, CancellationToken ct)
    {
        var columns = await FillAsync(connectionString, hosts, backlog, ct);
        var script = Path.Combine(Path.GetTempPath(), $"portal-bench-claim-{Guid.NewGuid():N}.sql");
        try
        {
            await File.WriteAllTextAsync(script, Script
                .Replace("{HOSTS}", hosts.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{PREFIX}", HostPrefix, StringComparison.Ordinal)
                .Replace("{COLUMNS}", string.Join(", ", columns.Select(Quote)), StringComparison.Ordinal)
                .Replace("{REFILL}", string.Join(", ", columns.Select(c => Refill(c, "done"))), StringComparison.Ordinal), ct);
            var seconds = ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var clients = hosts.ToString(CultureInfo.InvariantCulture);
            var threads = Math.Min(2, hosts).ToString(CultureInfo.InvariantCulture);
            var output = await PgBench.RunAsync(executable, new NpgsqlConnectionStringBuilder(connectionString),
                ["-n", "-f", script, "-c", clients, "-j", threads, "-T", seconds], duration + TimeSpan.FromMinutes(1), ct);
            return PgBench.Parse($"pgbench claim+complete, {clients} clients", output);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>Creates (once) and refills bench_jobs: <paramref name="backlog"/> placed jobs on each of the hosts.</summary>
    private static async Task<IReadOnlyList<string>> FillAsync(string connectionString, int hosts, int backlog, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var columns = new List<string>();
        await using (var read = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'jobs' AND table_schema = current_schema() ORDER BY ordinal_position",
            connection))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                columns.Add(reader.GetString(0));
            }
        }

        var copy = new StringBuilder();
        copy.Append(Invariant($"""
            CREATE TABLE IF NOT EXISTS bench_jobs (LIKE jobs INCLUDING ALL);
            TRUNCATE bench_jobs;
            INSERT INTO bench_jobs ({string.Join(", ", columns.Select(Quote))})
            SELECT {string.Join(", ", columns.Select(c => Fill(c, hosts)))}
            FROM (SELECT j.*, row_number() OVER () AS g FROM jobs j CROSS JOIN generate_series(1, {hosts * backlog}) LIMIT {hosts * backlog}) AS s;
            """));
        await using var fill = new NpgsqlCommand(copy.ToString(), connection);
        await fill.ExecuteNonQueryAsync(ct);
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE bench_jobs", connection);
        await vacuum.ExecuteNonQueryAsync(ct);
        return columns;
    }

    /// <summary>A copy of a real job row, placed on synthetic host g mod K, waiting in creation order.</summary>
    private static string Fill(string column, int hosts) => column switch
    {
        "Id" => "gen_random_uuid()",
        "HostId" => Invariant($"('{HostPrefix}' || lpad((s.g % {hosts})::text, 12, '0'))::uuid"),
        "CreatedAt" => "now() + s.g * interval '1 microsecond'",
        _ => Refill(column, "s"),
    };

    /// <summary>The completed job again, as a new job at the back of the same host's queue.</summary>
    private static string Refill(string column, string source) => column switch
    {
        "Id" => "gen_random_uuid()",
        "State" => "'Placing'",
        "CreatedAt" or "StateChangedAt" => "clock_timestamp()",
        "Attempt" or "FencingToken" => "0",
        "LeaseExpiresAt" or "StartedAt" or "FinishedAt" or "IdempotencyKey" or "NotBefore" or "WaitingReason"
            or "ErrorStep" or "ErrorCode" or "ErrorMessage" => "NULL",
        _ => $"{source}.{Quote(column)}",
    };

    private static string Quote(string column) => $"\"{column}\"";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
