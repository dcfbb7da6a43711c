using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Portal.Bench;

/// <summary>What one pgbench run reported: transactions per second and average latency.</summary>
public sealed record PgBenchResult(string Name, double Tps, double AverageLatencyMs);

/// <summary>
/// PostgreSQL's own load generator against the bench database, as an outside reference for the raw transaction:
/// select-only (<c>-S</c>) and simple-update (<c>-N</c>: update, select, insert in one transaction).
/// Runs only if <c>pgbench</c> is on PATH.
/// </summary>
public static partial class PgBench
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "pgbench"))
            .FirstOrDefault(File.Exists);

    public static async Task<IReadOnlyList<PgBenchResult>> RunAsync(
        string executable, string connectionString, int clients, TimeSpan duration, CancellationToken ct)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString);
        await RunAsync(executable, database, ["-i", "-q", "-s", "1"], TimeSpan.FromMinutes(2), ct);

        var results = new List<PgBenchResult>();
        foreach (var (name, mode) in new[] { ("pgbench -S (select-only)", "-S"), ("pgbench -N (simple-update)", "-N") })
        {
            var seconds = ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var output = await RunAsync(executable, database,
                ["-n", mode, "-T", seconds, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2"],
                duration + TimeSpan.FromMinutes(1), ct);
            results.Add(Parse(name, output));
        }

        return results;
    }

    /// <summary>Runs pgbench against <paramref name="database"/> and returns its output; throws when it fails.</summary>
    public static async Task<string> RunAsync(
        string executable, NpgsqlConnectionStringBuilder database, string[] args, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["PGHOST"] = database.Host,
                ["PGPORT"] = database.Port.ToString(CultureInfo.InvariantCulture),
                ["PGUSER"] = database.Username,
                ["PGPASSWORD"] = database.Password,
                ["PGDATABASE"] = database.Database,
            },
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start.");
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout + await stderr;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"pgbench {string.Join(' ', args)} exited with {process.ExitCode}: {output}");
    }

    public static PgBenchResult Parse(string name, string output) => new(name, Number(Tps(), output), Number(Latency(), output));

    private static double Number(Regex pattern, string output) =>
        pattern.Match(output) is { Success: true } match
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Could not read pgbench's output:\n{output}");

    [GeneratedRegex(@"^tps = ([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex Tps();

    [GeneratedRegex(@"^latency average = ([0-9.]+) ms", RegexOptions.Multiline)]
    private static partial Regex Latency();
}
