using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Portal.Web.Features.Fabric;

namespace Portal.Bench;

/// <summary>The hosts' hypervisor in one round of the VM benchmark, and what the round measured.</summary>
public sealed record VmRound(string Hypervisor, FabricHostDto Host, IReadOnlyList<VmCreateTiming> Timings);

/// <summary>
/// Creates shielded and regular VMs one at a time through <c>/api/v1</c> on a portal with one embedded guarded host
/// (the real agent in the portal's process, with the in-process HGS), first on the simulated hypervisor with no delays
/// (the baseline), then on QEMU, each round on a portal and database of its own. Each VM is deleted as soon as its
/// create job is measured, so one guest runs at a time; the portal stops its host at the end, which turns its VMs off.
/// </summary>
public sealed class VmBench(BenchOptions options)
{
    private static readonly TimeSpan GuestBuildTimeout = TimeSpan.FromMinutes(10);

    public async Task<(VmRound Simulated, VmRound Qemu)> RunAsync(CancellationToken ct)
    {
        var guest = Path.GetFullPath(options.GuestFolder);
        Progress($"building the guest template in {guest} (guest/build.sh, cached)");
        await BuildGuestAsync(guest, ct);
        var disk = await File.ReadAllBytesAsync(Path.Combine(guest, "template.qcow2"), ct);

        var simulated = await RoundAsync("Simulated", guest, disk, ct);
        var qemu = await RoundAsync("Qemu", guest, disk, ct);
        return (simulated, qemu);
    }

    private async Task<VmRound> RoundAsync(string hypervisor, string guest, byte[] disk, CancellationToken ct)
    {
        Progress($"{hypervisor}: starting a portal with one embedded host on a fresh database");
        var portal = new BenchPortal(options.ServerConnectionString, new Dictionary<string, string>
        {
            ["Fabric:SimulatedHosts:Count"] = "1",
            ["Fabric:SimulatedHosts:Hypervisor"] = hypervisor,
            ["Fabric:SimulatedHosts:GuestFolder"] = guest,
            ["Fabric:SimulatedHosts:HeartbeatIntervalSeconds"] = "1",
            // Driver, not the section's own value: the section also holds the simulated driver's timings.
            ["Fabric:SimulatedHosts:Hosts:1:HostAgent:Hypervisor:Driver"] = hypervisor,
            ["Fabric:SimulatedHosts:Hosts:1:HostAgent:Hypervisor:CreateDelay"] = "00:00:00",
            ["Fabric:SimulatedHosts:Hosts:1:HostAgent:Hypervisor:StartDelay"] = "00:00:00",
            ["Fabric:SimulatedHosts:Hosts:1:HostAgent:Hypervisor:StopDelay"] = "00:00:00",
            ["Fabric:SimulatedHosts:Hosts:1:HostAgent:Qemu:Acceleration"] = options.Acceleration,
            ["Fabric:Jobs:SweepInterval"] = "00:00:00.100",
            // The in-process HGS seals its guardian's keys with this; random per round, never written anywhere.
            ["Hgs:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        try
        {
            var address = portal.Start();
            using var fabric = new VmFabric(address, new PortalSetup(address));
            await fabric.SetUpAsync(disk, ct);
            var host = await fabric.HostAsync(ct);
            Progress($"{hypervisor}: host {host.Name} runs {host.Hypervisor} ({host.Acceleration})");

            var timings = new List<VmCreateTiming>();
            foreach (var shielded in new[] { true, false })
            {
                for (var i = 1; i <= options.VmCount; i++)
                {
                    var name = $"bench-{(shielded ? "s" : "r")}{i}";
                    var (vmId, job) = await fabric.CreateAsync(name, shielded, ct);
                    var timing = VmCreateTiming.From(job, shielded);
                    timings.Add(timing);
                    Progress(string.Create(CultureInfo.InvariantCulture,
                        $"  {name}: claimed → specialised {timing.Total.TotalSeconds:0.00} s ({string.Join(", ", timing.Steps.Select(s => $"{s.Key} {s.Value.TotalMilliseconds:0}"))} ms)"));
                    await fabric.DeleteAsync(vmId, ct);
                }
            }

            return new VmRound(hypervisor, host, timings);
        }
        finally
        {
            // Stops the embedded host: its QEMU driver turns off whatever still runs.
            await portal.DisposeAsync();
            CheckNothingLeft(portal.DataFolder);
        }
    }

    /// <summary>
    /// Every QEMU and swtpm this round started has its VM folder under the portal's data folder on its command line;
    /// anything still running from there is reported and stopped by its own pid (no other QEMU on the machine is touched).
    /// </summary>
    private static void CheckNothingLeft(string dataFolder)
    {
        var left = OwnProcesses(dataFolder);
        if (left.Count == 0)
        {
            Progress($"  no qemu-system or swtpm left running from {dataFolder}");
            return;
        }

        foreach (var (pid, command) in left)
        {
            Progress($"  warning: left running, stopping pid {pid}: {command}");
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Ended meanwhile.
            }
        }

        throw new InvalidOperationException($"{left.Count} QEMU/swtpm process(es) outlived the portal's stop; stopped by pid.");
    }

    public static IReadOnlyList<(int Pid, string Command)> OwnProcesses(string folder)
    {
        var found = new List<(int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string command;
            try
            {
                command = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if ((command.Contains("qemu-system", StringComparison.Ordinal) || command.Contains("swtpm", StringComparison.Ordinal))
                && command.Contains(folder, StringComparison.Ordinal))
            {
                found.Add((pid, command.Length > 160 ? command[..160] + "…" : command));
            }
        }

        return found;
    }

    private static async Task BuildGuestAsync(string folder, CancellationToken ct)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "guest", "build.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(folder);
        using var build = Process.Start(start) ?? throw new InvalidOperationException("bash could not be started.");
        var output = build.StandardOutput.ReadToEndAsync(ct);
        var errors = build.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(GuestBuildTimeout);
        try
        {
            await build.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            build.Kill(entireProcessTree: true);
            throw;
        }

        await output;
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"guest/build.sh failed ({build.ExitCode}): {await errors}");
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");
}
