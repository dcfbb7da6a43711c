using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Npgsql;
using Portal.HostAgent.Jobs;

namespace Portal.Bench;

/// <summary>What the portal and the fleet did in one measured window.</summary>
public sealed record FleetPhase(
    string Name, int Agents, TimeSpan Elapsed, long Beats, long BeatsFailed, double P50Ms, double P99Ms, string? FirstBeatError,
    int MinOpenClaims, long ClaimsAnswered, long ClaimsFailed, string? FirstClaimError,
    double PortalCpuPercent, double DatabaseCpuPercent, double BenchCpuPercent, double MachineBusyPercent)
{
    public double BeatsPerSecond => Beats / Elapsed.TotalSeconds;

    /// <summary>The portal's CPU time over the window per heartbeat answered (claims included when they were open).</summary>
    public double PortalCpuMsPerBeat => Beats == 0 ? double.NaN : PortalCpuPercent / 100 * Elapsed.TotalMilliseconds / Beats;
}

/// <summary>
/// B5: many simulated host agents, joined through the real protocol, heartbeating every 10 s (spread evenly) with a
/// claim long-poll open each, against a portal in a process of its own whose CPU time is read from /proc. Baseline in
/// the same run: the same portal and agents heartbeating with no long-polls open.
/// </summary>
internal static class FleetBench
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);
    // The real agent's claim: it asks the portal to hold it this long (the portal's ClaimWaitMax is the same by default).
    private static readonly TimeSpan ClaimWait = new HostJobOptions().ClaimWait;
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(2);
    private const int JoinWorkers = 8;
    private const int PortalPoolSize = 24;

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        var loadBefore = MachineCpu.LoadAverage();
        if (busyBefore > 25)
        {
            Progress(Invariant($"warning: the machine is already {busyBefore:0}% busy; other work will skew the numbers"));
        }

        var agentCount = options.FleetAgents;
        var openFiles = OpenFileLimit();
        // Each agent holds up to two connections (its long-poll and a beat); the portal as many again.
        if (openFiles is { } limit && limit < 2 * agentCount + 1000)
        {
            Progress(Invariant($"warning: the open-file limit ({limit}) is below what {agentCount:N0} agents need; raise `ulimit -n`"));
        }

        Progress("starting Portal.Web as a process of its own on a fresh database (migrations run now)");
        // The PostgreSQL server is shared (tests, other portals): the portal takes at most this many of its connections.
        var server = new NpgsqlConnectionStringBuilder(options.ServerConnectionString) { MaxPoolSize = PortalPoolSize }.ConnectionString;
        await using var portal = await PortalProcess.StartAsync(server, new Dictionary<string, string>(), StartLimit, ct);
        Progress(Invariant($"portal pid {portal.Id} on {portal.Address}"));

        var setup = new PortalSetup(portal.Address);
        using var admin = await setup.AdminClientAsync(ct);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 2 * agentCount + 64,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = portal.Address,
            // Every call has its own deadline (a beat's, a long-poll's).
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var joining = Stopwatch.StartNew();
        var agents = await JoinAsync(client, admin, agentCount, ct);
        var joinTime = joining.Elapsed;
        Progress(Invariant($"{agents.Count:N0} agents joined in {joinTime.TotalSeconds:0.0} s"));

        var meter = new FleetMeter();
        using var fleet = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var start = Stopwatch.GetTimestamp();
        var loops = agents.Select((agent, i) => Task.Run(() =>
            new FleetAgent(agent, meter).BeatAsync(start, HeartbeatInterval * i / agentCount, HeartbeatInterval, fleet.Token), ct)).ToList();
        try
        {
            // Two rounds of beats: every agent has beaten, and the new process's code is past its first compilation.
            var warmup = 2 * HeartbeatInterval + options.Warmup;
            Progress(Invariant($"heartbeats only: {warmup.TotalSeconds:0} s warm-up (every agent beats twice), then {options.Duration.TotalSeconds:0} s measured"));
            await Task.Delay(warmup, ct);
            var active = await ActiveHostsAsync(portal, ct);
            Progress(Invariant($"  {active:N0} of {agentCount:N0} hosts Active"));
            var baseline = await MeasureAsync("heartbeats only (no long-polls)", agentCount, meter, portal, options.Duration, ct);

            // Opened spread over one claim wait, so their 204s and the claims after them stay spread too.
            loops.AddRange(agents.Select((agent, i) => Task.Run(() =>
                new FleetAgent(agent, meter).LongPollAsync(ClaimWait * i / agentCount, ClaimWait, fleet.Token), ct)));
            warmup = ClaimWait + options.Warmup;
            Progress(Invariant($"heartbeats + a claim long-poll per agent ({ClaimWait.TotalSeconds:0} s wait): {warmup.TotalSeconds:0} s warm-up, then {options.Duration.TotalSeconds:0} s measured"));
            await Task.Delay(warmup, ct);
            var loaded = await MeasureAsync("heartbeats + a claim long-poll open per agent", agentCount, meter, portal, options.Duration, ct);

            Console.WriteLine();
            Console.WriteLine(Invariant(
                $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores ({MachineCpu.Model()}) · {RuntimeInformation.OSDescription} · .NET {Environment.Version}"));
            Console.WriteLine(Invariant(
                $"{agentCount:N0} agents (joined in {joinTime.TotalSeconds:0} s) · heartbeat every {HeartbeatInterval.TotalSeconds:0} s, spread · claim wait {ClaimWait.TotalSeconds:0} s · {options.Duration.TotalSeconds:0} s measured per phase · portal: Portal.Web, own process (pid {portal.Id}), at most {PortalPoolSize} PostgreSQL connections, PostgreSQL on the same machine · open-file limit {openFiles?.ToString(CultureInfo.InvariantCulture) ?? "?"}"));
            Console.WriteLine(Invariant($"CPU busy before start {busyBefore:0}%, load average {loadBefore}"));
            Console.WriteLine();
            Console.Write(Render(baseline, loaded));
        }
        finally
        {
            await fleet.CancelAsync();
            await Task.WhenAll(loops.Select(l => l.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    /// <summary>One window: the portal's CPU time from /proc before and after, the agents' beats and claims in between.</summary>
    private static async Task<FleetPhase> MeasureAsync(
        string name, int agents, FleetMeter meter, PortalProcess portal, TimeSpan duration, CancellationToken ct)
    {
        Progress($"{name}: measuring");
        using var bench = Process.GetCurrentProcess();
        var portalBefore = portal.CpuTime();
        var databaseBefore = await ProcessCpu.DatabaseBackendsAsync(portal.ConnectionString, portal.DatabaseName, ct);
        var benchBefore = bench.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        meter.Open();
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            meter.SampleOpenClaims();
            while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
            {
                meter.SampleOpenClaims();
            }
        }, ct);
        var machineBusy = await MachineCpu.BusyPercentAsync(duration, ct);
        var window = meter.Close();
        var elapsed = clock.Elapsed;
        var portalCpu = portal.CpuTime() - portalBefore;
        var databaseCpu = ProcessCpu.Between(databaseBefore, await ProcessCpu.DatabaseBackendsAsync(portal.ConnectionString, portal.DatabaseName, ct));
        bench.Refresh();
        var benchCpu = bench.TotalProcessorTime - benchBefore;
        await sampling.CancelAsync();
        await sampler.ContinueWith(_ => { }, TaskScheduler.Default);

        var beats = window.BeatMs();
        var phase = new FleetPhase(name, agents, elapsed, beats.Count, window.BeatsFailed, Percentile(beats, 0.50), Percentile(beats, 0.99),
            window.FirstBeatError, window.MinOpenClaims, window.ClaimsAnswered, window.ClaimsFailed, window.FirstClaimError,
            100 * portalCpu / elapsed, databaseCpu is { } database ? 100 * database / elapsed : double.NaN, 100 * benchCpu / elapsed, machineBusy);
        Progress(Invariant(
            $"  {phase.BeatsPerSecond:N0} beats/s, p50 {phase.P50Ms:0.00} ms, p99 {phase.P99Ms:0.00} ms, {phase.BeatsFailed} failed · long-polls open ≥ {phase.MinOpenClaims:N0}, {phase.ClaimsAnswered:N0} claims answered 204, {phase.ClaimsFailed} failed · portal CPU {phase.PortalCpuPercent:0.0}% of one core, its database's backends {phase.DatabaseCpuPercent:0.0}%, bench {phase.BenchCpuPercent:0.0}%, machine {phase.MachineBusyPercent:0}% busy"));
        foreach (var error in new[] { window.FirstBeatError, window.FirstClaimError }.OfType<string>())
        {
            Progress($"  first failure: {error}");
        }

        return phase;
    }

    /// <summary>Joins <paramref name="count"/> hosts, each with a one-time token from the admin API, a few at a time.</summary>
    private static async Task<List<BenchAgent>> JoinAsync(HttpClient client, HttpClient admin, int count, CancellationToken ct)
    {
        var agents = new BenchAgent[count];
        var joined = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = JoinWorkers, CancellationToken = ct }, async (i, token) =>
        {
            agents[i] = await BenchAgent.JoinAsync(client, admin, Invariant($"fleet-{i + 1:00000}"), token);
            if (Interlocked.Increment(ref joined) % 500 == 0)
            {
                Progress(Invariant($"  {joined:N0} joined"));
            }
        });
        return [.. agents];
    }

    private static async Task<long> ActiveHostsAsync(PortalProcess portal, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(portal.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM guarded_hosts WHERE \"State\" = 'Active'", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public static string Render(FleetPhase baseline, FleetPhase loaded)
    {
        var text = new StringBuilder();
        text.AppendLine("| Phase | agents | heartbeats/s | heartbeat p50 ms | heartbeat p99 ms | heartbeats failed | long-polls open (least) | claims answered 204 | claims failed | portal CPU, % of one core | portal CPU ms per heartbeat | CPU vs baseline | p99 vs baseline |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var phase in new[] { baseline, loaded })
        {
            var isBaseline = ReferenceEquals(phase, baseline);
            text.AppendLine(Invariant(
                $"| {phase.Name} | {phase.Agents:N0} | {phase.BeatsPerSecond:N0} | {phase.P50Ms:0.00} | {phase.P99Ms:0.00} | {phase.BeatsFailed:N0} | {phase.MinOpenClaims:N0} | {phase.ClaimsAnswered:N0} | {phase.ClaimsFailed:N0} | {phase.PortalCpuPercent:0.0} % | {Number(phase.PortalCpuMsPerBeat)} | {(isBaseline ? "baseline" : Ratio(phase.PortalCpuPercent / baseline.PortalCpuPercent))} | {(isBaseline ? "baseline" : Ratio(phase.P99Ms / baseline.P99Ms))} |"));
        }

        text.AppendLine();
        text.AppendLine("| Phase | window s | portal CPU | PostgreSQL backends of its database, CPU | bench (load generator) CPU | machine CPU busy (2 cores = 100 %) |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|");
        foreach (var phase in new[] { baseline, loaded })
        {
            text.AppendLine(Invariant(
                $"| {phase.Name} | {phase.Elapsed.TotalSeconds:0.0} | {phase.PortalCpuPercent:0.0} % | {Number(phase.DatabaseCpuPercent, " %")} | {phase.BenchCpuPercent:0.0} % | {phase.MachineBusyPercent:0} % |"));
        }

        text.AppendLine();
        text.AppendLine(loaded.Beats == 0
            ? Invariant($"B5 (target: portal CPU < 50 % of one core, heartbeat p99 ≤ 250 ms): missed — no heartbeat succeeded ({loaded.BeatsFailed:N0} failed)")
            : Invariant(
                $"B5 (target: portal CPU < 50 % of one core, heartbeat p99 ≤ 250 ms): CPU {loaded.PortalCpuPercent:0.0} % — {(loaded.PortalCpuPercent < 50 ? "met" : "missed")}; p99 {loaded.P99Ms:0} ms — {(loaded.P99Ms <= 250 ? "met" : "missed")}; {loaded.BeatsFailed:N0} heartbeats failed"));
        return text.ToString();
    }

    private static int? OpenFileLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return int.TryParse(soft, out var value) ? value : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Number(double value, string unit = "") => double.IsFinite(value) ? Invariant($"{value:0.0}{unit}") : "—";

    private static string Ratio(double value) => double.IsFinite(value) ? Invariant($"{value:0.00}×") : "—";

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
