using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Bench;

/// <summary>One wrk run: requests per second and latency percentiles as wrk reports them.</summary>
public sealed record WrkResult(string Name, double RequestsPerSecond, double P50Ms, double P99Ms, long Errors);

/// <summary>
/// Drives the portal with wrk (an event-loop load generator in C, from apt) instead of the bench's own workers, so the
/// client's work is not inside the portal's process. On a machine with two or more CPUs the portal's threads are pinned to
/// CPU 0 and wrk to the last CPU (<c>taskset</c>) for the runs, and unpinned afterwards; PostgreSQL is not pinned.
/// </summary>
public static partial class WrkBench
{
    public static string? Find() => Which("wrk") is { } wrk && Which("taskset") is not null ? wrk : null;

    public static int ClientCpu => Environment.ProcessorCount - 1;

    public static async Task<IReadOnlyList<WrkResult>> RunAsync(
        string wrk, Uri address, IReadOnlyList<(string Name, string Path, string? BearerToken)> targets,
        int connections, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var pinned = Environment.ProcessorCount >= 2;
        if (pinned)
        {
            await PinAsync("0", ct);
        }

        try
        {
            var results = new List<WrkResult>();
            foreach (var (name, path, token) in targets)
            {
                if (warmup > TimeSpan.Zero)
                {
                    await RunOnceAsync(wrk, new Uri(address, path), token, connections, warmup, pinned, ct);
                }

                results.Add(Parse(name, await RunOnceAsync(wrk, new Uri(address, path), token, connections, duration, pinned, ct)));
            }

            return results;
        }
        finally
        {
            if (pinned)
            {
                await PinAsync($"0-{Environment.ProcessorCount - 1}", CancellationToken.None);
            }
        }
    }

    public static string Render(IReadOnlyList<WrkResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| wrk (pinned away from the portal) | req/s | p50 ms | p99 ms | errors | req/s vs wrk hello |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|");
        var hello = results[0];
        foreach (var result in results)
        {
            var ratio = ReferenceEquals(result, hello) ? "baseline" : Invariant($"{result.RequestsPerSecond / hello.RequestsPerSecond:0.00}×");
            text.AppendLine(Invariant(
                $"| {result.Name} | {result.RequestsPerSecond:N0} | {result.P50Ms:0.00} | {result.P99Ms:0.00} | {result.Errors} | {ratio} |"));
        }

        return text.ToString();
    }

    public static WrkResult Parse(string name, string output)
    {
        var rate = RequestsPerSecond().Match(output);
        var p50 = Percentile().Matches(output).FirstOrDefault(m => m.Groups[1].Value == "50");
        var p99 = Percentile().Matches(output).FirstOrDefault(m => m.Groups[1].Value == "99");
        if (!rate.Success || p50 is null || p99 is null)
        {
            throw new InvalidOperationException($"wrk printed no rate or latency distribution:\n{output}");
        }

        // Non-2xx/3xx answers and socket errors both count as failures.
        var errors = (NonSuccess().Match(output) is { Success: true } answers ? Count(answers.Groups[1]) : 0)
            + (SocketErrors().Match(output) is { Success: true } sockets ? sockets.Groups.Values.Skip(1).Sum(Count) : 0);
        return new WrkResult(name, double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            Milliseconds(p50), Milliseconds(p99), errors);
    }

    private static long Count(Group group) => long.Parse(group.Value, CultureInfo.InvariantCulture);

    private static double Milliseconds(Match percentile)
    {
        var value = double.Parse(percentile.Groups[2].Value, CultureInfo.InvariantCulture);
        return percentile.Groups[3].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            var unit => throw new InvalidOperationException($"wrk printed a latency in '{unit}'."),
        };
    }

    private static async Task<string> RunOnceAsync(
        string wrk, Uri url, string? token, int connections, TimeSpan duration, bool pinned, CancellationToken ct)
    {
        var start = new ProcessStartInfo(pinned ? "taskset" : wrk) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (pinned)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(ClientCpu.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(wrk);
        }

        foreach (var arg in new[] { "-t1", $"-c{connections}", Invariant($"-d{Math.Max(1, (int)duration.TotalSeconds)}s"), "--latency" })
        {
            start.ArgumentList.Add(arg);
        }

        if (token is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"Authorization: Bearer {token}");
        }

        start.ArgumentList.Add(url.ToString());
        return await RunAsync(start, duration + TimeSpan.FromSeconds(30), ct);
    }

    /// <summary>Sets the CPU affinity of every thread of this process; threads started later inherit it.</summary>
    private static Task PinAsync(string cpus, CancellationToken ct)
    {
        var start = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-a", "-p", "-c", cpus, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        return RunAsync(start, TimeSpan.FromSeconds(30), ct);
    }

    private static async Task<string> RunAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken ct)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
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
            : throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}:\n{output}");
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline)]
    private static partial Regex Percentile();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
