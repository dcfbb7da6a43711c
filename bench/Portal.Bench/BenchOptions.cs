using Npgsql;

namespace Portal.Bench;

/// <summary>
/// Command-line settings: <c>--duration</c>, <c>--warmup</c> (seconds), <c>--concurrency</c>, <c>--no-pgbench</c>,
/// <c>--no-wrk</c>, and
/// <c>--jobs</c> (the job benchmark instead of the HTTP ones) with <c>--jobs-count</c> and <c>--jobs-hosts</c>, and
/// <c>--vms</c> (VM creation on QEMU against the simulated hypervisor) with <c>--vm-count</c>, <c>--guest-folder</c>
/// and <c>--acceleration</c>, and <c>--attestation</c> (TPM attestation in HGS against raw signature verification) with
/// <c>--attestation-hosts</c>, and <c>--fleet</c> (heartbeats and long-polls of many simulated agents) with
/// <c>--fleet-agents</c>, <c>--recovery</c> (a killed agent's job back in the queue, against lease + reaper period),
/// <c>--circuits</c> (memory per Blazor circuit in headless Chromium) with <c>--circuit-counts</c>, and <c>--upload</c>
/// (shielding data upload and validation against raw AES-GCM).
/// </summary>
public sealed record BenchOptions(
    TimeSpan Warmup, TimeSpan Duration, int Concurrency, bool RunPgbench, string ServerConnectionString,
    bool Jobs = false, int JobCount = 2000, IReadOnlyList<int>? JobHosts = null,
    bool Vms = false, int VmCount = 3, string GuestFolder = "", string Acceleration = "Tcg",
    bool Attestation = false, int AttestationHosts = 8, bool RunWrk = true,
    bool Fleet = false, int FleetAgents = 2000, bool Recovery = false,
    bool Circuits = false, IReadOnlyList<int>? CircuitCounts = null, bool Upload = false)
{
    public const string Usage =
        "usage: Portal.Bench [--duration SECONDS=10] [--warmup SECONDS=5] [--concurrency N=16] [--no-pgbench] [--no-wrk]\n"
        + "       Portal.Bench --jobs [--jobs-count N=2000] [--jobs-hosts K,K=4,16] [--duration S] [--warmup S] [--no-pgbench]\n"
        + "       Portal.Bench --vms [--vm-count N=3] [--guest-folder DIR=/tmp/portal-bench-guest] [--acceleration Tcg|Auto]\n"
        + "       Portal.Bench --attestation [--attestation-hosts K=8] [--duration S] [--warmup S] [--concurrency N]\n"
        + "       Portal.Bench --fleet [--fleet-agents N=2000] [--duration S] [--warmup S]\n"
        + "       Portal.Bench --recovery\n"
        + "       Portal.Bench --circuits [--circuit-counts N,N=200,2000]\n"
        + "       Portal.Bench --upload\n"
        + "PostgreSQL server from PORTAL_TEST_POSTGRES (default Host=127.0.0.1;Port=5432;Username=portal;Password=portal).";

    public static BenchOptions Parse(string[] args)
    {
        var warmup = 5;
        var duration = 10;
        var concurrency = 16;
        var pgbench = true;
        var wrk = true;
        var jobs = false;
        var jobCount = 2000;
        IReadOnlyList<int> jobHosts = [4, 16];
        var vms = false;
        var vmCount = 3;
        var guestFolder = Path.Combine(Path.GetTempPath(), "portal-bench-guest");
        var acceleration = "Tcg";
        var attestation = false;
        var attestationHosts = 8;
        var fleet = false;
        var fleetAgents = 2000;
        var recovery = false;
        var circuits = false;
        IReadOnlyList<int> circuitCounts = [200, 2000];
        var upload = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--duration":
                    duration = PositiveInt(args, ++i);
                    break;
                case "--warmup":
                    warmup = PositiveInt(args, ++i, allowZero: true);
                    break;
                case "--concurrency":
                    concurrency = PositiveInt(args, ++i);
                    break;
                case "--no-pgbench":
                    pgbench = false;
                    break;
                case "--no-wrk":
                    wrk = false;
                    break;
                case "--jobs":
                    jobs = true;
                    break;
                case "--jobs-count":
                    jobCount = Math.Min(PositiveInt(args, ++i), 20_000);
                    break;
                case "--jobs-hosts":
                    jobHosts = i + 1 < args.Length
                        ? [.. args[++i].Split(',').Select(k => int.TryParse(k, out var n) && n is > 0 and <= 64
                            ? n
                            : throw new ArgumentException("'--jobs-hosts' needs host counts from 1 to 64, e.g. 4,16."))]
                        : throw new ArgumentException("'--jobs-hosts' needs host counts, e.g. 4,16.");
                    break;
                case "--vms":
                    vms = true;
                    break;
                case "--vm-count":
                    vmCount = Math.Min(PositiveInt(args, ++i), 20);
                    break;
                case "--guest-folder":
                    guestFolder = i + 1 < args.Length ? args[++i] : throw new ArgumentException("'--guest-folder' needs a folder.");
                    break;
                case "--acceleration":
                    acceleration = i + 1 < args.Length && args[++i] is "Tcg" or "Auto"
                        ? args[i]
                        : throw new ArgumentException("'--acceleration' is Tcg or Auto.");
                    break;
                case "--attestation":
                    attestation = true;
                    break;
                case "--attestation-hosts":
                    attestationHosts = PositiveInt(args, ++i) is var k and <= 64
                        ? k
                        : throw new ArgumentException("'--attestation-hosts' is 1 to 64.");
                    break;
                case "--fleet":
                    fleet = true;
                    break;
                case "--fleet-agents":
                    fleetAgents = PositiveInt(args, ++i) is var a and <= 10_000
                        ? a
                        : throw new ArgumentException("'--fleet-agents' is 1 to 10,000.");
                    break;
                case "--recovery":
                    recovery = true;
                    break;
                case "--circuits":
                    circuits = true;
                    break;
                case "--circuit-counts":
                    circuitCounts = i + 1 < args.Length
                        ? [.. args[++i].Split(',').Select(k => int.TryParse(k, out var n) && n is > 0 and <= 5_000
                            ? n
                            : throw new ArgumentException("'--circuit-counts' needs circuit counts from 1 to 5,000, e.g. 200,2000."))]
                        : throw new ArgumentException("'--circuit-counts' needs circuit counts, e.g. 200,2000.");
                    break;
                case "--upload":
                    upload = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        if (jobCount > jobHosts.Min() * 4000)
        {
            // A bench host offers 4,096 vCPUs and every VM takes one: more would make placement wait for room.
            throw new ArgumentException($"'--jobs-count' may be at most 4,000 per host of the smallest round ({jobHosts.Min() * 4000}).");
        }

        var server = Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=portal;Password=portal";
        var host = new NpgsqlConnectionStringBuilder(server).Host;
        if (host is not ("127.0.0.1" or "localhost" or "::1"))
        {
            // Load goes to this machine only.
            throw new ArgumentException($"PORTAL_TEST_POSTGRES must point at this machine (127.0.0.1), not '{host}'.");
        }

        return new BenchOptions(TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration), concurrency, pgbench, server,
            jobs, jobCount, jobHosts, vms, vmCount, guestFolder, acceleration, attestation, attestationHosts, wrk,
            fleet, fleetAgents, recovery, circuits, circuitCounts, upload);
    }

    private static int PositiveInt(string[] args, int index, bool allowZero = false)
    {
        if (index >= args.Length || !int.TryParse(args[index], out var value) || value < (allowZero ? 0 : 1))
        {
            throw new ArgumentException($"'{args[index - 1]}' needs a whole number{(allowZero ? "" : " above 0")}.");
        }

        return value;
    }
}
