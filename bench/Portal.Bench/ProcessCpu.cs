using System.Globalization;
using Npgsql;

namespace Portal.Bench;

/// <summary>CPU time of processes (user + kernel) from <c>/proc/PID/stat</c> (Linux), e.g. a child portal's or PostgreSQL's.</summary>
public static class ProcessCpu
{
    // Linux reports process CPU time in /proc in USER_HZ, which the kernel ABI fixes at 100 per second.
    private const double TicksPerSecond = 100;

    /// <summary>The process's CPU time so far; null when it is gone.</summary>
    public static TimeSpan? Of(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid …": the fields after the command's closing parenthesis; utime and stime are the 14th and 15th.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>
    /// CPU time so far of each PostgreSQL backend connected to <paramref name="database"/> (the server runs on this
    /// machine); null when the server cannot be asked (e.g. no connection slot free). A backend that ends between two
    /// snapshots takes its time with it, so a difference may fall short.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, TimeSpan>?> DatabaseBackendsAsync(
        string connectionString, string database, CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"[bench] cannot read the database's backends: {e.Message}");
            return null;
        }

        await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
        var times = new Dictionary<int, TimeSpan>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (Of(reader.GetInt32(0)) is { } time)
            {
                times[reader.GetInt32(0)] = time;
            }
        }

        return times;
    }

    /// <summary>The backends' CPU time between two snapshots (a backend new in <paramref name="after"/> counts whole).</summary>
    public static TimeSpan? Between(IReadOnlyDictionary<int, TimeSpan>? before, IReadOnlyDictionary<int, TimeSpan>? after) =>
        before is null || after is null
            ? null
            : after.Aggregate(TimeSpan.Zero, (sum, backend) => sum + backend.Value - before.GetValueOrDefault(backend.Key));
}
