using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Portal.Web.Features.Fabric;

namespace Portal.Bench;

/// <summary>One kill: when it happened, when the job's last lease ran out, and when the reaper put the job back in the queue.</summary>
public sealed record RecoveryKill(int Round, DateTimeOffset KilledAt, DateTimeOffset LeaseExpiredAt, DateTimeOffset RequeuedAt)
{
    public TimeSpan KillToRequeue => RequeuedAt - KilledAt;

    public TimeSpan LeaseLeft => LeaseExpiredAt - KilledAt;

    public TimeSpan ExpiryToRequeue => RequeuedAt - LeaseExpiredAt;
}

/// <summary>
/// B6: a real host agent process claims a VM's create job and is SIGKILLed while it runs; the time from the kill until
/// the fabric controller's reaper puts the job back in the queue, against the configured lease + reaper (sweep) period.
/// The portal runs in the bench's process with a short lease and sweep; each round starts a fresh agent process.
/// </summary>
internal static class RecoveryBench
{
    public const int Rounds = 10;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(2);

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        var loadBefore = MachineCpu.LoadAverage();
        if (busyBefore > 25)
        {
            Progress(Invariant($"warning: the machine is already {busyBefore:0}% busy; other work will skew the numbers"));
        }

        Progress(Invariant($"starting the portal on a fresh database: lease {Lease.TotalSeconds:0} s, reaper (sweep) every {Sweep.TotalSeconds:0} s"));
        await using var portal = new BenchPortal(options.ServerConnectionString, new Dictionary<string, string>
        {
            ["Fabric:Jobs:LeaseDuration"] = Lease.ToString("c", CultureInfo.InvariantCulture),
            ["Fabric:Jobs:SweepInterval"] = Sweep.ToString("c", CultureInfo.InvariantCulture),
            // A requeued job then stays in the queue, where the bench reads the moment it got there.
            ["Fabric:Jobs:RetryBackoff"] = "01:00:00",
        });
        // The portal prints its start banner on stdout; stdout carries only the results.
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        Uri address;
        try
        {
            address = portal.Start();
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var setup = new PortalSetup(address);
        using var fabric = new VmFabric(address, setup);
        // The simulated hosts take any bytes as a template disk; regular VMs need no shielding data.
        await fabric.SetUpAsync(RandomNumberGenerator.GetBytes(200_000), shieldingData: false, ct);
        using var admin = await setup.AdminClientAsync(ct);

        var kills = new List<RecoveryKill>();
        for (var round = 1; round <= Rounds; round++)
        {
            var kill = await RoundAsync(round, portal, address, fabric, admin, ct);
            kills.Add(kill);
            Progress(Invariant(
                $"  round {round}: kill → requeue {kill.KillToRequeue.TotalSeconds:0.000} s (lease left {kill.LeaseLeft.TotalSeconds:0.000} s, expiry → requeue {kill.ExpiryToRequeue.TotalSeconds:0.000} s) = {kill.KillToRequeue / (Lease + Sweep):0.000}× lease + sweep"));
        }

        var busyAfter = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores ({MachineCpu.Model()}) · {RuntimeInformation.OSDescription} · .NET {Environment.Version}"));
        Console.WriteLine(Invariant(
            $"portal in the bench's process on PostgreSQL · lease {Lease.TotalSeconds:0} s, reaper (fabric controller sweep) every {Sweep.TotalSeconds:0} s · {Rounds} rounds, each a fresh Portal.HostAgent process (simulated hypervisor) SIGKILLed while it runs a VM's create job"));
        Console.WriteLine(Invariant($"CPU busy before start {busyBefore:0}%, load average {loadBefore} · CPU busy at the end {busyAfter:0}%"));
        Console.WriteLine();
        Console.Write(Render(kills));
    }

    /// <summary>A fresh agent joins, claims a new VM's create job, is killed while it runs; answers the kill's times.</summary>
    private static async Task<RecoveryKill> RoundAsync(
        int round, BenchPortal portal, Uri address, VmFabric fabric, HttpClient admin, CancellationToken ct)
    {
        var name = Invariant($"recovery-{round:00}");
        var token = await PortalSetup.CreatedAsync<IssuedJoinToken>(
            await admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1), PortalSetup.Json, ct), ct);
        using var agent = StartAgent(address, name, Path.Combine(portal.DataFolder, name), token.Token);
        try
        {
            var hostId = await WaitForAsync(() => ActiveHostAsync(portal, name, ct), $"{name} to become Active", agent, ct);
            var (_, jobId) = await fabric.RequestCreateAsync(Invariant($"recovery-vm-{round:00}"), shielded: false, ct);
            await WaitForAsync(async () => (await JobAsync(portal, jobId, ct)).State == "Running" ? true : (bool?)null,
                $"the job to run on {name}", agent, ct);

            // Somewhere in the agent's renewal cycle (it renews every third of the lease), not right after a renewal.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next((int)(Lease / 3).TotalMilliseconds)), ct);
            var killedAt = DateTimeOffset.UtcNow;
            agent.Kill();
            await agent.WaitForExitAsync(ct);

            // The last lease the portal recorded (a renewal already on its way may still land), then the requeue.
            var expiry = DateTimeOffset.MinValue;
            var requeue = await WaitForAsync(async () =>
            {
                var job = await JobAsync(portal, jobId, ct);
                if (job.LeaseExpiresAt is { } at)
                {
                    expiry = at;
                }

                return job.State switch
                {
                    "Queued" => job.StateChangedAt,
                    "Running" => (DateTimeOffset?)null,
                    _ => throw new InvalidOperationException($"The killed host's job went to {job.State}, not back to the queue."),
                };
            }, "the job to be requeued", null, ct);

            // The dead host must not be offered the next round's VM.
            using var removed = await admin.DeleteAsync($"/api/admin/v1/fabric/hosts/{hostId}", ct);
            await PortalSetup.EnsureAsync(removed, HttpStatusCode.NoContent, ct);
            return new RecoveryKill(round, killedAt, expiry, requeue);
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill();
                await agent.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>A real agent process (<c>dotnet Portal.HostAgent.dll</c>) whose create step lasts long enough to be killed in.</summary>
    private static Process StartAgent(Uri portal, string name, string folder, string joinToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Portal.HostAgent.dll"));
        foreach (var argument in new[]
        {
            $"--HostAgent:PortalUrl={portal}",
            $"--HostAgent:HostName={name}",
            $"--HostAgent:DataFolder={folder}",
            $"--HostAgent:JoinToken={joinToken}",
            "--HostAgent:HeartbeatInterval=00:00:01",
            "--HostAgent:Capacity:Vcpus=16",
            "--HostAgent:Capacity:MemoryGiB=64",
            "--HostAgent:Capacity:StorageGiB=1000",
            "--HostAgent:Hypervisor:CreateDelay=00:10:00",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start };
        // Its output is not needed; read it so the pipes never fill.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, Process? agent, CancellationToken ct)
        where T : struct
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (agent is { HasExited: true })
            {
                throw new InvalidOperationException(Invariant($"The agent exited ({agent.ExitCode}) while waiting for {what}."));
            }

            if (clock.Elapsed > StepLimit)
            {
                throw new TimeoutException(Invariant($"Waited {StepLimit.TotalMinutes:0} minutes for {what}."));
            }

            // Short against the lease; the times reported come from the portal's records, not from this poll.
            await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
        }
    }

    private static async Task<Guid?> ActiveHostAsync(BenchPortal portal, string name, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(portal.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT \"Id\" FROM guarded_hosts WHERE \"Name\" = $1 AND \"State\" = 'Active' AND \"LastHeartbeatAt\" IS NOT NULL", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteScalarAsync(ct) is Guid id ? id : null;
    }

    private static async Task<(string State, DateTimeOffset? LeaseExpiresAt, DateTimeOffset StateChangedAt)> JobAsync(
        BenchPortal portal, Guid jobId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(portal.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT \"State\", \"LeaseExpiresAt\", \"StateChangedAt\" FROM jobs WHERE \"Id\" = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException($"Job {jobId} is not in the database.");
        }

        return (reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.GetFieldValue<DateTimeOffset>(2));
    }

    public static string Render(IReadOnlyList<RecoveryKill> kills)
    {
        var baseline = Lease + Sweep;
        var text = new StringBuilder();
        text.AppendLine("| Round | kill → requeue s | lease left at the kill s | lease expiry → requeue s | ÷ (lease + reaper period) |");
        text.AppendLine("|--:|--:|--:|--:|--:|");
        foreach (var kill in kills)
        {
            text.AppendLine(Invariant(
                $"| {kill.Round} | {kill.KillToRequeue.TotalSeconds:0.000} | {kill.LeaseLeft.TotalSeconds:0.000} | {kill.ExpiryToRequeue.TotalSeconds:0.000} | {kill.KillToRequeue / baseline:0.000}× |"));
        }

        var ratios = kills.Select(k => k.KillToRequeue / baseline).Order().ToList();
        var median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[ratios.Count / 2 - 1] + ratios[ratios.Count / 2]) / 2;
        var expiries = kills.Select(k => k.ExpiryToRequeue.TotalSeconds).Order().ToList();
        text.AppendLine();
        text.AppendLine("| What | value |");
        text.AppendLine("|---|--:|");
        text.AppendLine(Invariant($"| baseline: lease + reaper period (configured) | {Lease.TotalSeconds:0} s + {Sweep.TotalSeconds:0} s = {baseline.TotalSeconds:0} s |"));
        text.AppendLine(Invariant($"| kill → requeue ÷ baseline, median | {median:0.000}× |"));
        text.AppendLine(Invariant($"| kill → requeue ÷ baseline, max | {ratios[^1]:0.000}× |"));
        text.AppendLine(Invariant($"| lease expiry → requeue, median / max | {expiries[expiries.Count / 2]:0.000} s / {expiries[^1]:0.000} s |"));
        text.AppendLine();
        text.AppendLine(Invariant($"B6 (target: kill-to-requeue ÷ (lease + reaper period) ≤ 1.2): median {median:0.00}×, max {ratios[^1]:0.00}× — {(ratios[^1] <= 1.2 ? "met" : "missed")}"));
        return text.ToString();
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
