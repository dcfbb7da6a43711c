using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using Portal.Web.Features.VirtualMachines;

namespace Portal.Bench;

/// <summary>One round of the job benchmark: K hosts, each drained by one agent loop, beside pgbench with K clients.</summary>
public sealed record JobRound(
    int Hosts, int Jobs, double PlacementPerSecond, double ProtocolPerSecond, double P50Ms, double P99Ms, long Failed,
    PgBenchResult? PgBench);

/// <summary>
/// Jobs per second through the real agent protocol (claim → one step report → complete, no step time) against the same
/// claim/complete SQL run by pgbench on the same database. Per round: join K fresh hosts (the last round's are drained),
/// create the VMs through the tenant API while no host is Active (their create jobs wait), beat the hosts and time
/// placement, then let one agent loop per host drain its jobs and time that.
/// </summary>
public sealed class JobBench(
    BenchPortal portal, Uri address, PortalSetup setup, BenchOffer offer, BenchTenant writer, int concurrency, TimeSpan duration)
{
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromMinutes(5);
    private readonly List<BenchAgent> _active = [];
    private int _hostNumber;

    public static IReadOnlyList<CapturedCommand> LastCapture { get; private set; } = [];

    public async Task<IReadOnlyList<JobRound>> RunAsync(int jobs, IReadOnlyList<int> hostCounts, bool warmup, string? pgbench, CancellationToken ct)
    {
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(concurrency, hostCounts.Max()),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = address,
        };
        using var admin = await setup.AdminClientAsync(ct);

        if (warmup)
        {
            Progress("jobs: warm-up round, 2 hosts, 200 jobs (not reported)");
            await RoundAsync(client, admin, 2, 200, ct);
        }

        var rounds = new List<JobRound>();
        foreach (var hosts in hostCounts)
        {
            Progress(Invariant($"jobs: {hosts} hosts, {jobs:N0} jobs"));
            var (placement, drain) = await RoundAsync(client, admin, hosts, jobs, ct);
            PgBenchResult? baseline = null;
            if (pgbench is not null)
            {
                Progress(Invariant($"jobs: pgbench claim+complete, {hosts} clients, {duration.TotalSeconds:0} s"));
                baseline = await ClaimPgBench.RunAsync(pgbench, portal.ConnectionString, hosts, jobs / hosts, duration, ct);
                Progress(Invariant($"  {baseline.Tps:N0} tps, {baseline.AverageLatencyMs:0.00} ms average"));
            }

            rounds.Add(new JobRound(hosts, jobs, placement, drain.PerSecond, drain.P50Ms, drain.P99Ms, drain.Failed, baseline));
        }

        Progress("jobs: SQL round trips of one job (EF Core commands and commits, by request)");
        LastCapture = await CaptureOneJobAsync(client, admin, ct);
        return rounds;
    }

    /// <summary>Creates <paramref name="jobs"/> VMs, places them on <paramref name="hosts"/> new hosts and drains them.</summary>
    private async Task<(double PlacementPerSecond, Measurement Drain)> RoundAsync(
        HttpClient client, HttpClient admin, int hosts, int jobs, CancellationToken ct)
    {
        await DrainPreviousHostsAsync(admin, ct);
        var agents = await JoinAsync(client, admin, hosts, ct);

        var created = Stopwatch.StartNew();
        await CreateVmsAsync(client, jobs, ct);
        Progress(Invariant($"  {jobs:N0} VMs created in {created.Elapsed.TotalSeconds:0.0} s (their jobs wait: no host is Active)"));

        // Placement alone: from the hosts' first heartbeat until every job is placed.
        var placing = Stopwatch.StartNew();
        foreach (var agent in agents)
        {
            await agent.BeatAsync(ct);
        }

        await WaitForAsync(() => CountJobsAsync("Placing", ct), jobs, "placed", ct);
        var placementRate = jobs / placing.Elapsed.TotalSeconds;
        Progress(Invariant($"  placement: {jobs:N0} jobs in {placing.Elapsed.TotalSeconds:0.00} s = {placementRate:N0} jobs/s"));

        var drain = await DrainAsync(agents, ct);
        Progress(Invariant(
            $"  protocol: {drain.Succeeded:N0} jobs in {drain.Elapsed.TotalSeconds:0.00} s = {drain.PerSecond:N0} jobs/s, p50 {drain.P50Ms:0.00} ms, p99 {drain.P99Ms:0.00} ms, {drain.Failed} failed"));
        if (drain.FirstError is { } error)
        {
            Progress($"  first failure: {error}");
        }

        var succeeded = await CountJobsAsync("Succeeded", ct);
        if (drain.Succeeded != jobs)
        {
            Progress(Invariant($"  warning: {drain.Succeeded:N0} of {jobs:N0} jobs completed ({succeeded:N0} succeeded in all so far)"));
        }

        return (placementRate, drain);
    }

    /// <summary>One loop per host, each claiming and completing until its host has nothing placed on it.</summary>
    private static async Task<Measurement> DrainAsync(IReadOnlyList<BenchAgent> agents, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(PhaseLimit);
        long failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var loops = agents.Select(agent => Task.Run(async () =>
        {
            var latencies = new List<long>();
            while (true)
            {
                var (claimed, ticks, error) = await agent.RunOneAsync(limit.Token);
                if (error is not null)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, error, null);
                    if (!claimed)
                    {
                        break;
                    }

                    continue;
                }

                if (!claimed)
                {
                    break;
                }

                latencies.Add(ticks);
            }

            return latencies;
        }, limit.Token)).ToList();
        var all = (await Task.WhenAll(loops)).SelectMany(l => l).Order().ToList();
        var elapsed = clock.Elapsed;
        return new Measurement("protocol", all.Count, failed, elapsed, Percentile(all, 0.50), Percentile(all, 0.99), firstError);
    }

    /// <summary>
    /// One VM through its whole path while EF Core's commands are counted: the tenant's create request, placement by the
    /// fabric controller, then claim, one step report and completion by a host's agent.
    /// </summary>
    private async Task<IReadOnlyList<CapturedCommand>> CaptureOneJobAsync(HttpClient client, HttpClient admin, CancellationToken ct)
    {
        await DrainPreviousHostsAsync(admin, ct);
        var agent = (await JoinAsync(client, admin, 1, ct))[0];
        await agent.BeatAsync(ct);
        var before = await CountJobsAsync("Succeeded", ct);
        using var capture = new SqlCapture();
        capture.Start();
        await CreateVmsAsync(client, 1, ct);
        await WaitForAsync(() => CountJobsAsync("Placing", ct), 1, "placed", ct);
        var (claimed, _, error) = await agent.RunOneAsync(ct);
        var commands = capture.Stop();
        if (!claimed || error is not null)
        {
            throw new InvalidOperationException($"The captured job did not complete: {error ?? "nothing to claim"}");
        }

        if (await CountJobsAsync("Succeeded", ct) != before + 1)
        {
            throw new InvalidOperationException("The captured job is not Succeeded.");
        }

        return commands;
    }

    private async Task<List<BenchAgent>> JoinAsync(HttpClient client, HttpClient admin, int hosts, CancellationToken ct)
    {
        var agents = new List<BenchAgent>();
        for (var i = 0; i < hosts; i++)
        {
            agents.Add(await BenchAgent.JoinAsync(client, admin, Invariant($"bench-host-{++_hostNumber:000}"), ct));
        }

        _active.AddRange(agents);
        return agents;
    }

    /// <summary>The last round's hosts take no new VMs, so this round's jobs go to its own hosts only.</summary>
    private async Task DrainPreviousHostsAsync(HttpClient admin, CancellationToken ct)
    {
        foreach (var agent in _active)
        {
            await PortalSetup.EnsureAsync(await admin.PostAsync($"/api/admin/v1/fabric/hosts/{agent.HostId}/drain", null, ct), HttpStatusCode.OK, ct);
        }

        _active.Clear();
    }

    /// <summary>VMs through the tenant API, <c>concurrency</c> requests at a time, each worker in its own subscription.</summary>
    private async Task CreateVmsAsync(HttpClient client, int count, CancellationToken ct)
    {
        var next = 0;
        var workers = Enumerable.Range(0, Math.Min(concurrency, count)).Select(worker => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var n && n <= count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vms")
                {
                    Content = JsonContent.Create(new CreateVmRequest(
                        writer.SubscriptionIds[worker % writer.SubscriptionIds.Count], $"job-{Guid.NewGuid():N}"[..20], offer.TemplateId, offer.SizeId, false),
                        options: PortalSetup.Json),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", writer.BearerToken);
                using var response = await client.SendAsync(request, ct);
                await PortalSetup.EnsureAsync(response, HttpStatusCode.Accepted, ct);
            }
        }, ct));
        await Task.WhenAll(workers);
    }

    private static async Task WaitForAsync(Func<Task<long>> count, long target, string what, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (await count() < target)
        {
            if (clock.Elapsed > PhaseLimit)
            {
                throw new TimeoutException(Invariant($"Fewer than {target:N0} jobs were {what} after {PhaseLimit.TotalMinutes:0} minutes."));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), ct);
        }
    }

    private async Task<long> CountJobsAsync(string state, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(portal.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM jobs WHERE \"State\" = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = state });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static double Percentile(List<long> sorted, double p) =>
        sorted.Count == 0
            ? double.NaN
            : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)] * 1000.0 / Stopwatch.Frequency;

    /// <summary>The results table, then where the time goes: one job's round trips by request.</summary>
    public static string Render(IReadOnlyList<JobRound> rounds, IReadOnlyList<CapturedCommand> oneJob)
    {
        var text = new StringBuilder();
        text.AppendLine("| Hosts = agent loops = pgbench clients | jobs | placement jobs/s | protocol jobs/s | protocol p50 ms per job | pgbench claim+complete tps | pgbench avg ms | protocol ÷ pgbench |");
        text.AppendLine("|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in rounds)
        {
            var tps = r.PgBench is { } b ? Invariant($"{b.Tps:N0}") : "—";
            var latency = r.PgBench is { } l ? Invariant($"{l.AverageLatencyMs:0.00}") : "—";
            var ratio = r.PgBench is { Tps: > 0 } p ? Invariant($"{r.ProtocolPerSecond / p.Tps:0.000}×") : "—";
            text.AppendLine(Invariant(
                $"| {r.Hosts} | {r.Jobs:N0} | {r.PlacementPerSecond:N0} | {r.ProtocolPerSecond:N0} | {r.P50Ms:0.00} | {tps} | {latency} | {ratio} |"));
        }

        text.AppendLine();
        text.AppendLine("| One job's path (origin) | SQL commands | commits | rollbacks | round trips |");
        text.AppendLine("|---|--:|--:|--:|--:|");
        foreach (var group in oneJob.GroupBy(Origin).OrderBy(g => Order(g.Key)))
        {
            var commands = group.Count(c => c.Kind == "command");
            var commits = group.Count(c => c.Kind == "COMMIT");
            var rollbacks = group.Count(c => c.Kind == "ROLLBACK");
            text.AppendLine(Invariant($"| {group.Key} | {commands} | {commits} | {rollbacks} | {commands + commits + rollbacks} |"));
        }

        var agentTrips = oneJob.Count(c => c.Origin.Contains("/api/fabric/", StringComparison.Ordinal));
        text.AppendLine(Invariant($"| **agent protocol (claim + step + complete)** | | | | **{agentTrips}** |"));
        return text.ToString();
    }

    /// <summary>The controller's loop polls for expired leases and waiting jobs on every sweep, job or not: apart from placement.</summary>
    private static string Origin(CapturedCommand command)
    {
        if (command.Origin != "(background)")
        {
            return command.Origin;
        }

        var text = string.Join(' ', command.Text.Split((char[])[' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return text.StartsWith("SELECT j.\"Id\" FROM jobs AS j WHERE j.\"State\" = 'Running'", StringComparison.Ordinal)
            || text.StartsWith("SELECT j.\"Id\" FROM jobs AS j WHERE j.\"State\" = 'Queued'", StringComparison.Ordinal)
            ? "(fabric controller: sweep polls, every 50 ms, job or not)"
            : "(fabric controller: placement of the job)";
    }

    private static int Order(string origin) =>
        origin.Contains("/vms", StringComparison.Ordinal) ? 0
        : origin.Contains("placement", StringComparison.Ordinal) ? 1
        : origin.StartsWith('(') ? 5
        : origin.Contains("/claim", StringComparison.Ordinal) ? 2
        : origin.Contains("/steps", StringComparison.Ordinal) ? 3
        : 4;

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
