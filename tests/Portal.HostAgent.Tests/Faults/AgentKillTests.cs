using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.HostAgent.Tests.Integration;
using Portal.Testing;
using Portal.Web.Features.Jobs;
using Xunit.Abstractions;

namespace Portal.HostAgent.Tests.Faults;

/// <summary>
/// Agents SIGKILLed at a random step of a VM's create job, 50 times, restarted at once on the same disk. Every job still
/// ends exactly once, successfully, and every VM asked for exists once and lives on exactly one host — in the portal's
/// records and in the hosts' hypervisor folders. The random choices come from a seed the output prints
/// (<c>FAULTS_SEED</c> repeats them; <c>FAULTS_KILLS</c> sets another number of kills).
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class AgentKillTests(FaultFabricFixture fabric, ITestOutputHelper output)
{
    private const int HostCount = 5;
    private const int Workers = 4;

    private static readonly List<JobStepKind> Steps = [.. JobPlan.Steps(JobType.Create, shielded: false)];
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task AgentKilledAtARandomStep50Times_EveryJobEndsExactlyOnce_NoVmDuplicatedOrLost()
    {
        var seed = Environment.GetEnvironmentVariable("FAULTS_SEED") is { Length: > 0 } given ? int.Parse(given) : Random.Shared.Next();
        var kills = Environment.GetEnvironmentVariable("FAULTS_KILLS") is { Length: > 0 } count ? int.Parse(count) : 50;
        var random = new Random(seed);
        var seen = $"seed {seed} (FAULTS_SEED={seed} repeats the choices)";
        output.WriteLine(seen);
        var clock = Stopwatch.StartNew();

        var hosts = new ConcurrentDictionary<string, FabricFixture.Agent>();
        foreach (var name in Enumerable.Range(1, HostCount).Select(i => $"host-killed-{i}"))
        {
            hosts[name] = await StartAgentAsync(name, registerWithHgs: true);
        }

        // Each round's VM and the step whose run it waits for before killing the host, drawn up front from the seed.
        var rounds = new ConcurrentQueue<(int Round, JobStepKind Target)>(
            Enumerable.Range(1, kills + 30).Select(i => (i, Steps[random.Next(Steps.Count)])));
        var jobs = new ConcurrentDictionary<Guid, string>();
        var killedAt = new ConcurrentBag<JobStepKind>();
        var restarts = new ConcurrentBag<Task>();
        try
        {
            async Task WorkAsync()
            {
                while (killedAt.Count < kills && rounds.TryDequeue(out var round))
                {
                    Assert.True(clock.Elapsed < Budget, $"Only {killedAt.Count} kills in {clock.Elapsed}; {seen}");
                    var (vm, jobId) = await fabric.CreateVmAsync($"killed-{round.Round:00}", shielded: false);
                    jobs[jobId] = vm.Name;
                    if (await KillAtAsync(jobId, round.Target, hosts, restarts) is { } step)
                    {
                        killedAt.Add(step);
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(WorkAsync)));
            await Task.WhenAll(restarts);
            Assert.True(killedAt.Count >= kills, $"{killedAt.Count} kills for {jobs.Count} VMs; {seen}");
            output.WriteLine($"{killedAt.Count} kills in {clock.Elapsed:mm\\:ss} over {jobs.Count} create jobs, at: "
                + string.Join(", ", killedAt.GroupBy(s => s).OrderBy(g => Steps.IndexOf(g.Key)).Select(g => $"{g.Key} ×{g.Count()}")));

            foreach (var (jobId, name) in jobs)
            {
                var job = await fabric.WaitForJobAsync(jobId, j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled);
                Assert.True(job.State == JobState.Succeeded, $"{name}: {FabricFixture.Describe(job)}; {seen}");
                Assert.True(job.Steps.All(s => s.State is JobStepState.Succeeded or JobStepState.Skipped), $"{name}: {FabricFixture.Describe(job)}; {seen}");
            }

            var outcomes = await fabric.WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "job.succeeded" || a.Action == "job.failed")
                .Select(a => new { a.Action, a.Target }).ToListAsync());
            foreach (var (jobId, name) in jobs)
            {
                var recorded = outcomes.Where(o => o.Target.StartsWith($"job:{jobId}", StringComparison.Ordinal)).Select(o => o.Action).ToList();
                Assert.True(recorded is ["job.succeeded"], $"{name}: the job's history records [{string.Join(", ", recorded)}]; {seen}");
            }

            var vms = await fabric.WithDbAsync(db => db.VirtualMachines.AsNoTracking().Where(v => v.Name.StartsWith("killed-"))
                .Select(v => new { v.Id, v.Name, v.State, v.HostId }).ToListAsync());
            Assert.Equal(jobs.Values.Order(), vms.Select(v => v.Name).Order());
            var folders = hosts.Values.ToDictionary(h => h.HostId, h => h.Folder);
            foreach (var vm in vms)
            {
                // Stopped when its host was killed just after the job ended: a crashed host's VMs are off, and it says so.
                Assert.True(vm.State is VmState.Running or VmState.Stopped && vm.HostId is { } id && folders.ContainsKey(id),
                    $"{vm.Name}: {vm.State} on {vm.HostId}; {seen}");
            }

            // A killed host keeps what it had made on its disk; once back, it removes each VM that lives elsewhere now.
            string[] Misplaced() => [.. vms.SelectMany(vm => hosts.Values
                .Where(h => Directory.Exists(h.VmFolder(vm.Id)) != (h.HostId == vm.HostId))
                .Select(h => $"{vm.Name} {(h.HostId == vm.HostId ? "missing from" : "also on")} {h.Name}"))];
            await Eventually.Async(() => Task.FromResult(Misplaced().Length == 0), FabricFixture.Deadline,
                $"each VM in exactly one host's folder, its own (now: {string.Join("; ", Misplaced())}); {seen}");
            Assert.True(clock.Elapsed < Budget, $"The run took {clock.Elapsed}; {seen}");
        }
        finally
        {
            await fabric.RemoveHostsAsync(hosts.Values);
        }
    }

    /// <summary>
    /// Waits until the job runs <paramref name="target"/> or a later step, then SIGKILLs the host running it and starts
    /// its agent again on the same disk (in the background). Answers the step that was live, or null when the job ended
    /// first or the kill would take more than this job's attempt with it.
    /// </summary>
    private async Task<JobStepKind?> KillAtAsync(
        Guid jobId, JobStepKind target, ConcurrentDictionary<string, FabricFixture.Agent> hosts, ConcurrentBag<Task> restarts)
    {
        var from = Steps.IndexOf(target);
        var job = await fabric.WaitForJobAsync(jobId, j => IsEndedOrAt(j, from));
        if (job.State != JobState.Running)
        {
            return null;
        }

        var live = job.Steps.First(s => s.State == JobStepState.Running).Kind;
        var running = await fabric.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.State == JobState.Running)
            .Select(j => new { j.Id, j.HostId, j.Attempt, j.MaxAttempts }).ToListAsync());
        var here = running.SingleOrDefault(j => j.Id == jobId);
        var host = hosts.Values.SingleOrDefault(h => h.HostId == here?.HostId);

        // Only this job may be lost with the host, and it must keep an attempt to run again.
        if (host is null || host.Process.HasExited || here!.Attempt >= here.MaxAttempts
            || running.Any(j => j.HostId == host.HostId && j.Id != jobId))
        {
            return null;
        }

        await host.Process.KillAsync();
        restarts.Add(Task.Run(async () => hosts[host.Name] = await StartAgentAsync(host.Name, registerWithHgs: false)));
        return live;
    }

    /// <summary>Ended, or running step <paramref name="from"/> of its plan or a later one.</summary>
    private static bool IsEndedOrAt(JobDto job, int from) =>
        job.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled
        || (job.State == JobState.Running && job.Steps.Select((s, i) => (s.State, i)).Any(s => s.State == JobStepState.Running && s.i >= from));

    private Task<FabricFixture.Agent> StartAgentAsync(string name, bool registerWithHgs) =>
        fabric.StartAgentAsync(name, FaultFabricFixture.Roomy, TimeSpan.FromMilliseconds(400), registerWithHgs,
            "--HostAgent:Hypervisor:CreateDelay=00:00:00.400", "--HostAgent:JobSlots=1");
}
