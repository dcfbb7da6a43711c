using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.HostAgent.Fabric;
using Portal.Testing;
using Portal.Web.Features.Jobs;
using Portal.Web.Infrastructure.Paging;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// What the job lease and its fencing number promise when hosts die or race: a job whose host vanished runs again
/// elsewhere and ends once; a host that lost its lease can no longer change the job; one claim wins a job.
/// </summary>
[Collection(FabricCollection.Name)]
public sealed class LeaseFaultTests(FabricFixture fabric)
{
    // Bigger than host-a and host-b, so placement chooses it while it is alive.
    private static readonly HostResources Big = new(200, 800, 20_000);

    [Fact]
    public async Task AgentKilledDuringStartVm_LeaseExpires_JobRunsAgainOnAnotherHost_AndSucceedsExactlyOnce()
    {
        var killed = await KillAnAgentDuringStartVmAsync("host-killed-1");
        try
        {
            var job = await fabric.WaitForJobAsync(killed.JobId, j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled);

            Assert.True(job.State == JobState.Succeeded, FabricFixture.Describe(job));
            Assert.Equal(2, job.Attempt);
            var admin = (await fabric.Admin.GetFromJsonAsync<Page<AdminJobDto>>("/api/admin/v1/jobs", FabricFixture.Json))!.Items
                .Where(j => j.Job.VmId == killed.VmId).ToList();
            var create = Assert.Single(admin);
            Assert.Equal(2, create.Job.Attempt);
            Assert.Equal(JobState.Succeeded, create.Job.State);
            Assert.NotEqual(killed.Agent.HostId, create.HostId);

            var vm = await fabric.AdminVmAsync(killed.VmId);
            Assert.Equal(VmState.Running, vm.Vm.State);
            Assert.Equal(create.HostId, vm.HostId);
            var survivor = new[] { fabric.HostA, fabric.HostB }.Single(a => a.HostId == vm.HostId);
            Assert.True(Directory.Exists(survivor.VmFolder(killed.VmId)));

            // The second attempt reused the key protector the first one stored: one VM key, never a second.
            var protector = await fabric.WithDbAsync(db => db.VirtualMachines.Where(v => v.Id == killed.VmId).Select(v => v.KeyProtector).SingleAsync());
            Assert.Equal(killed.KeyProtector, protector);
            Assert.Contains(job.Steps, s => s.Kind == JobStepKind.CreateKeyProtector && s.State == JobStepState.Skipped);
        }
        finally
        {
            await fabric.RemoveHostAsync(killed.Agent.HostId);
        }
    }

    [Fact]
    public async Task KilledAgent_ReportingLateWithItsOldFencingNumber_IsRefusedWith409_AndChangesNothing()
    {
        var killed = await KillAnAgentDuringStartVmAsync("host-killed-2");
        try
        {
            // The dead host's own credential, as it left it on its disk.
            var membership = JsonSerializer.Deserialize<HostMembership>(
                await File.ReadAllBytesAsync(Path.Combine(killed.Agent.Folder, "fabric", HostCredentialStore.FileName)), JsonSerializerOptions.Web)!;
            Assert.Equal(killed.Agent.HostId, membership.HostId);
            await fabric.WaitForJobAsync(killed.JobId, j => j.Attempt == 2 && j.State is JobState.Running or JobState.Succeeded);
            using var stale = new HttpClient { BaseAddress = fabric.PortalUrl };
            stale.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", membership.Credential);

            using var step = await stale.PostAsJsonAsync(FabricRoutes.Job(killed.JobId, "steps"),
                new StepReport(killed.FencingToken, JobStepKind.StartVm, JobStepState.Failed, "late report from a dead host"), FabricFixture.Json);
            using var lease = await stale.PostAsJsonAsync(FabricRoutes.Job(killed.JobId, "lease"), new LeaseRenewalRequest(killed.FencingToken), FabricFixture.Json);
            using var complete = await stale.PostAsJsonAsync(FabricRoutes.Job(killed.JobId, "complete"),
                new JobCompletion(killed.FencingToken, false, JobError.Of(JobStepKind.StartVm, "Late", "late failure from a dead host"), false), FabricFixture.Json);
            using var protector = await stale.PostAsJsonAsync(FabricRoutes.Job(killed.JobId, "key-protector"),
                new KeyProtectorReport(killed.FencingToken, new byte[64]), FabricFixture.Json);
            using var fetch = new HttpRequestMessage(HttpMethod.Get, FabricRoutes.Job(killed.JobId, "shielding-data"));
            fetch.Headers.Add(FabricHeaders.FencingToken, killed.FencingToken.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var shieldingData = await stale.SendAsync(fetch);

            Assert.Equal(HttpStatusCode.Conflict, step.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, shieldingData.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, lease.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, complete.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, protector.StatusCode);
            var job = await fabric.SucceededAsync(killed.JobId);
            Assert.Equal(2, job.Attempt);
            Assert.DoesNotContain(job.Steps, s => s.Message?.Contains("dead host", StringComparison.Ordinal) == true);
            Assert.Equal(VmState.Running, (await fabric.VmAsync(killed.VmId)).State);
            var storedProtector = await fabric.WithDbAsync(db => db.VirtualMachines.Where(v => v.Id == killed.VmId).Select(v => v.KeyProtector).SingleAsync());
            Assert.Equal(killed.KeyProtector, storedProtector);
        }
        finally
        {
            await fabric.RemoveHostAsync(killed.Agent.HostId);
        }
    }

    [Fact]
    public async Task TwoClaimsForTheSameHostAtOnce_OneGetsTheJob_TheOtherGets204()
    {
        await using var host = await FakeHost.JoinAsync(fabric, "host-racing", Big);
        try
        {
            var (_, jobId) = await fabric.CreateVmAsync("race-regular", shielded: false);
            await WaitForAdminJobAsync(jobId, j => j.HostId == host.HostId && j.Job.State == JobState.Placing);

            var claims = await Task.WhenAll(host.ClaimAsync(waitSeconds: 2), host.ClaimAsync(waitSeconds: 2));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.NoContent], claims.Select(c => c.StatusCode).Order());
            var assignment = (await claims.Single(c => c.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JobAssignment>(FabricFixture.Json))!;
            Assert.Equal(jobId, assignment.JobId);
            Assert.Equal(1, assignment.Attempt);
            Assert.Equal(JobState.Running, (await fabric.JobAsync(jobId)).State);

            // End it so nothing waits on a host the test invented.
            using var done = await host.Client.PostAsJsonAsync(FabricRoutes.Job(jobId, "complete"),
                new JobCompletion(assignment.FencingToken, false, JobError.Of(JobStepKind.FetchTemplateDisk, "TestHost", "The test host builds nothing."), false),
                FabricFixture.Json);
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
            Assert.Equal(JobState.Failed, (await fabric.JobAsync(jobId)).State);
            foreach (var claim in claims)
            {
                claim.Dispose();
            }
        }
        finally
        {
            await fabric.RemoveHostAsync(host.HostId);
        }
    }

    [Fact]
    public async Task HostDiesAfterAJobIsPlacedOnIt_BeforeClaimingIt_TheJobIsPlacedAgainOnALiveHost()
    {
        var host = await FakeHost.JoinAsync(fabric, "host-dies-unclaimed", Big);
        try
        {
            var (vm, jobId) = await fabric.CreateVmAsync("placed-on-a-dying-host", shielded: false);
            await WaitForAdminJobAsync(jobId, j => j.HostId == host.HostId && j.Job.State == JobState.Placing);

            // The host goes silent before it ever claims: no lease exists yet, so no lease can expire.
            await host.DisposeAsync();
            var job = await fabric.WaitForJobAsync(jobId, j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled);

            Assert.True(job.State == JobState.Succeeded, FabricFixture.Describe(job));
            var placed = await fabric.AdminVmAsync(vm.Id);
            Assert.Contains(placed.HostId, new Guid?[] { fabric.HostA.HostId, fabric.HostB.HostId });
        }
        finally
        {
            await host.DisposeAsync();
            await fabric.RemoveHostAsync(host.HostId);
        }
    }

    private Task<AdminJobDto> WaitForAdminJobAsync(Guid jobId, Func<AdminJobDto, bool> condition) =>
        Eventually.ValueAsync(
            async () => (await fabric.Admin.GetFromJsonAsync<AdminJobDto>($"/api/admin/v1/jobs/{jobId}", FabricFixture.Json))!,
            condition, $"job {jobId}", FabricFixture.Deadline, job => $"on host {job.HostName}: {FabricFixture.Describe(job.Job)}");

    /// <summary>
    /// Starts a big agent whose VMs take a minute to boot, creates a shielded VM (placed there), and SIGKILLs the agent
    /// while the create job's StartVm step runs — after the key protector and the disk exist. Answers what the dead host
    /// held: its fencing number (read from the portal's database) and the key protector stored so far.
    /// </summary>
    private async Task<KilledAgent> KillAnAgentDuringStartVmAsync(string name)
    {
        var agent = await fabric.StartAgentAsync(name, Big, startDelay: TimeSpan.FromSeconds(90));
        await fabric.WaitForHostsAsync(hosts => hosts.Any(h => h.Id == agent.HostId && h.HealthyForShieldedVms));
        var (vm, jobId) = await fabric.CreateVmAsync($"{name}-vm", shielded: true);
        var running = await fabric.WaitForJobAsync(jobId, j => j.Steps.Any(s => s.Kind == JobStepKind.StartVm && s.State == JobStepState.Running));
        var (hostId, fencingToken, keyProtector) = await fabric.WithDbAsync(async db =>
        {
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            var protector = await db.VirtualMachines.Where(v => v.Id == vm.Id).Select(v => v.KeyProtector).SingleAsync();
            return (job.HostId, job.FencingToken, protector);
        });
        Assert.True(hostId == agent.HostId, $"The job was placed on {hostId}, not on {name}: {FabricFixture.Describe(running)}");
        Assert.NotNull(keyProtector);

        await agent.Process.KillAsync();
        return new KilledAgent(agent, vm.Id, jobId, fencingToken, keyProtector);
    }

    private sealed record KilledAgent(FabricFixture.Agent Agent, Guid VmId, Guid JobId, long FencingToken, byte[] KeyProtector);
}
