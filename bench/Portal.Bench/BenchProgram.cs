using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Data;

namespace Portal.Bench;

/// <summary>
/// Runs the portal in this process on a fresh database and measures each benchmark against a baseline taken in the
/// same run: API reads against a hello endpoint on the same server, the VM quota reservation against a raw
/// Npgsql transaction on the same database. Not top-level statements: Portal.Web already owns <c>Program</c>.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n{BenchOptions.Usage}");
            return 2;
        }

        // WebApplicationFactory finds Portal.Web's content root through MvcTestingAppManifest.json in the current
        // directory, as a test runner would have it: run from the build output wherever the bench was started.
        Environment.CurrentDirectory = AppContext.BaseDirectory;

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        try
        {
            await RunAsync(options, stop.Token);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Stopped.");
            return 130;
        }
    }

    private static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        if (options.Jobs)
        {
            await RunJobsAsync(options, ct);
            return;
        }

        if (options.Vms)
        {
            await RunVmsAsync(options, ct);
            return;
        }

        if (options.Attestation)
        {
            await RunAttestationAsync(options, ct);
            return;
        }

        if (options.Fleet)
        {
            await FleetBench.RunAsync(options, ct);
            return;
        }

        if (options.Recovery)
        {
            await RecoveryBench.RunAsync(options, ct);
            return;
        }

        if (options.Circuits)
        {
            await CircuitBench.RunAsync(options, ct);
            return;
        }

        if (options.Upload)
        {
            await UploadBench.RunAsync(options, ct);
            return;
        }

        var runner = new LoadRunner(options.Concurrency, options.Warmup, options.Duration);
        var table = new ResultTable();

        // Other work on the machine skews every ratio; say how busy it was before the bench added its own load.
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        if (busyBefore > 25)
        {
            Progress(Invariant($"warning: the machine is already {busyBefore:0}% busy; other work will skew the numbers"));
        }

        Progress("starting the portal on a fresh database (migrations run now)");
        await using var portal = new BenchPortal(options.ServerConnectionString);
        var address = portal.Start();

        Progress($"portal on {address}; creating an offer, two tenants and {options.Concurrency + 1} subscriptions");
        var setup = new PortalSetup(address);
        var offer = await setup.CreateOfferAsync(ct);
        var reader = await setup.CreateTenantAsync("reader", offer.PlanId, subscriptions: 1, ct);
        var writer = await setup.CreateTenantAsync("writer", offer.PlanId, subscriptions: options.Concurrency + 1, ct);
        var lister = await setup.CreateTenantAsync("lister", offer.PlanId, subscriptions: 1, ct);
        Progress($"creating the lister's {PortalScenarios.ListedVms} VMs");
        await setup.CreateVmsAsync(lister, offer, PortalScenarios.ListedVms, ct);
        await portal.AnalyzeAsync(ct);

        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = address,
        };
        var http = new PortalScenarios(client, reader, writer, lister, offer);
        await http.CheckAsync(ct);

        var hello = await MeasureAsync(runner, $"GET {BenchPortal.HelloPath} (no token, same pipeline)", http.Hello, ct);
        table.Add(hello);
        table.Add(await MeasureAsync(runner, $"GET {BenchPortal.HelloPath} with bearer (token authentication only)", http.HelloWithBearer, ct), hello);
        table.Add(await MeasureAsync(runner, "GET /api/v1/tokens (bearer)", http.ListTokens, ct), hello);
        table.Add(await MeasureAsync(runner, "GET /api/v1/subscriptions (bearer, quota usage)", http.ListSubscriptions, ct), hello);
        table.Add(await MeasureAsync(runner, $"GET /api/v1/vms, {PortalScenarios.ListedVms} VMs (bearer)", http.ListVms, ct), hello);

        await using (var raw = await RawTransaction.CreateAsync(portal.ConnectionString, options.Concurrency, ct))
        {
            var floor = await MeasureAsync(runner, "raw Npgsql tx: SELECT by key + INSERT + COMMIT", raw.Operation, ct);
            table.Add(floor);
            table.Add(await MeasureAsync(runner, "POST /api/v1/vms, a subscription per worker", http.CreateVmOwnSubscription, ct), floor);
            table.Add(await MeasureAsync(runner, "POST /api/v1/vms, all workers on one subscription", http.CreateVmSharedSubscription, ct), floor);
        }

        var roundTrips = new[]
        {
            await RequestRoundTrips.CaptureAsync(http.CreateVmOwnSubscription, ct),
            await RequestRoundTrips.CaptureAsync(http.ListVms, ct),
        };

        var wrkResults = options.RunWrk && WrkBench.Find() is { } wrk
            ? await RunWrkAsync(wrk, address, reader, lister, options, ct)
            : null;
        if (wrkResults is null)
        {
            Progress(options.RunWrk ? "wrk or taskset is not on PATH: no wrk runs" : "wrk skipped (--no-wrk)");
        }

        var vms = await CountVmsAsync(portal, ct);
        if (options.RunPgbench && PgBench.Find() is { } pgbench)
        {
            Progress("pgbench -i, then -S and -N");
            table.AddExternal(await PgBench.RunAsync(pgbench, portal.ConnectionString, options.Concurrency, options.Duration, ct));
        }
        else
        {
            Progress(options.RunPgbench ? "pgbench is not on PATH: no external reference" : "pgbench skipped (--no-pgbench)");
        }

        Console.WriteLine();
        var server = await ServerVersionAsync(portal.ConnectionString, ct);
        Console.WriteLine(Invariant(
            $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores · {RuntimeInformation.OSDescription} · .NET {Environment.Version} · {server}"));
        Console.WriteLine(Invariant(
            $"{options.Concurrency} concurrent workers · {options.Warmup.TotalSeconds:0} s warm-up + {options.Duration.TotalSeconds:0} s measured per benchmark · load generator in the portal's process · {vms:N0} VMs reserved in all · CPU busy before start {busyBefore:0}%"));
        Console.WriteLine();
        Console.Write(table.Render());
        if (wrkResults is not null)
        {
            Console.WriteLine();
            Console.WriteLine(Invariant(
                $"wrk: 1 thread, {options.Concurrency} connections, {options.Warmup.TotalSeconds:0} s warm-up + {options.Duration.TotalSeconds:0} s per target · portal pinned to CPU 0, wrk to CPU {WrkBench.ClientCpu} (taskset) · PostgreSQL not pinned"));
            Console.WriteLine();
            Console.Write(WrkBench.Render(wrkResults));
        }

        Console.WriteLine();
        Console.Write(RequestRoundTrips.Render(roundTrips));
        foreach (var command in roundTrips.SelectMany(c => c))
        {
            Progress($"  {command.Origin} · {command.Kind} {command.Text.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>hello, hello with a bearer token and the VM list through wrk, pinned away from the portal.</summary>
    private static async Task<IReadOnlyList<WrkResult>> RunWrkAsync(
        string wrk, Uri address, BenchTenant reader, BenchTenant lister, BenchOptions options, CancellationToken ct)
    {
        Progress(Invariant($"wrk: portal on CPU 0, wrk on CPU {WrkBench.ClientCpu}"));
        return await WrkBench.RunAsync(wrk, address,
        [
            ($"GET {BenchPortal.HelloPath} (no token)", BenchPortal.HelloPath, null),
            ($"GET {BenchPortal.HelloPath} with bearer", BenchPortal.HelloPath, reader.BearerToken),
            ($"GET /api/v1/vms, {PortalScenarios.ListedVms} VMs (bearer)", PortalScenarios.VmListPath, lister.BearerToken),
        ], options.Concurrency, options.Warmup, options.Duration, ct);
    }

    /// <summary>The job benchmark on a portal of its own: the fabric controller sweeps every 50 ms.</summary>
    private static async Task RunJobsAsync(BenchOptions options, CancellationToken ct)
    {
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        if (busyBefore > 25)
        {
            Progress(Invariant($"warning: the machine is already {busyBefore:0}% busy; other work will skew the numbers"));
        }

        Progress("starting the portal on a fresh database (migrations run now)");
        await using var portal = new BenchPortal(options.ServerConnectionString, new Dictionary<string, string>
        {
            ["Fabric:Jobs:SweepInterval"] = "00:00:00.050",
            // The bench beats each host once; a round must not outlive that beat.
            ["Fabric:HeartbeatStaleAfter"] = "00:30:00",
        });
        var address = portal.Start();
        Progress($"portal on {address}; creating an offer and a tenant with {options.Concurrency} subscriptions");
        var setup = new PortalSetup(address);
        var offer = await setup.CreateOfferAsync(ct);
        var writer = await setup.CreateTenantAsync("jobs", offer.PlanId, subscriptions: options.Concurrency, ct);
        var pgbench = options.RunPgbench ? PgBench.Find() : null;
        if (options.RunPgbench && pgbench is null)
        {
            Progress("pgbench is not on PATH: no baseline");
        }

        var bench = new JobBench(portal, address, setup, offer, writer, options.Concurrency, options.Duration);
        var rounds = await bench.RunAsync(options.JobCount, options.JobHosts ?? [4, 16], options.Warmup > TimeSpan.Zero, pgbench, ct);

        Console.WriteLine();
        var server = await ServerVersionAsync(portal.ConnectionString, ct);
        Console.WriteLine(Invariant(
            $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores · {RuntimeInformation.OSDescription} · .NET {Environment.Version} · {server}"));
        Console.WriteLine(Invariant(
            $"jobs: claim → one step report → complete, no step time · one agent loop per host · pgbench {options.Duration.TotalSeconds:0} s per round · fabric sweep 50 ms · CPU busy before start {busyBefore:0}%"));
        Console.WriteLine();
        Console.Write(JobBench.Render(rounds, JobBench.LastCapture));
        foreach (var command in JobBench.LastCapture)
        {
            Progress($"  {command.Origin} · {command.Kind} {command.Text.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>VM creation on QEMU hosts against the same jobs on the simulated hypervisor (no delays), same run.</summary>
    private static async Task RunVmsAsync(BenchOptions options, CancellationToken ct)
    {
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        var loadBefore = MachineCpu.LoadAverage();
        if (busyBefore > 25)
        {
            Progress(Invariant($"warning: the machine is already {busyBefore:0}% busy; other work will skew the numbers"));
        }

        // The embedded portal prints its start banner on stdout; stdout carries only the results.
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        VmRound simulated, qemu;
        try
        {
            (simulated, qemu) = await new VmBench(options).RunAsync(ct);
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var busyAfter = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);

        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores ({MachineCpu.Model()}) · {RuntimeInformation.OSDescription} · .NET {Environment.Version}"));
        Console.WriteLine(Invariant(
            $"one embedded host per round · QEMU host: {qemu.Host.Hypervisor}, {qemu.Host.Acceleration} · baseline host: {simulated.Host.Hypervisor}, no delays · {options.VmCount} shielded + {options.VmCount} regular VMs per round, one at a time"));
        Console.WriteLine(Invariant(
            $"CPU busy before start {busyBefore:0}%, load average {loadBefore} · CPU busy at the end {busyAfter:0}%"));
        Console.WriteLine();
        Console.Write(VmTimingTables.Render(simulated.Timings, qemu.Timings));
    }

    /// <summary>TPM attestation in HGS (standalone, SQLite) against raw ECDSA and RSA verification, same run.</summary>
    private static async Task RunAttestationAsync(BenchOptions options, CancellationToken ct)
    {
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        var loadBefore = MachineCpu.LoadAverage();
        if (busyBefore > 25)
        {
            Progress(Invariant($"warning: the machine is already {busyBefore:0}% busy; other work will skew the numbers"));
        }

        var results = await new AttestationBench(options).RunAsync(ct);
        var busyAfter = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);

        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores ({MachineCpu.Model()}) · {RuntimeInformation.OSDescription} · .NET {Environment.Version} · {results.SqliteSetup}"));
        Console.WriteLine(Invariant(
            $"{options.AttestationHosts} software-TPM hosts (ECDSA P-256 AKs) · {options.Concurrency} concurrent workers · {options.Warmup.TotalSeconds:0} s warm-up + {options.Duration.TotalSeconds:0} s measured per row · HGS and load generator in one process"));
        Console.WriteLine(Invariant(
            $"CPU busy before start {busyBefore:0}%, load average {loadBefore} · CPU busy at the end {busyAfter:0}%"));
        Console.WriteLine();
        Console.Write(AttestationBench.Render(results));
    }

    private static async Task<Measurement> MeasureAsync(LoadRunner runner, string name, BenchOperation operation, CancellationToken ct)
    {
        Progress($"{name}");
        var result = await runner.RunAsync(name, operation, ct);
        Progress(Invariant(
            $"  {result.PerSecond:N0} ops/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, {result.Failed} failed"));
        if (result.FirstError is { } error)
        {
            Progress($"  first failure: {error}");
        }

        return result;
    }

    private static async Task<int> CountVmsAsync(BenchPortal portal, CancellationToken ct)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        return await db.VirtualMachines.CountAsync(ct);
    }

    private static async Task<string> ServerVersionAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        return $"PostgreSQL {connection.PostgreSqlVersion}";
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
