using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.HostAgent.Tests.Integration;
using Portal.Testing;
using Portal.Web.Features.Jobs;

namespace Portal.HostAgent.Tests.Faults;

/// <summary>
/// An agent cut off from the portal past its lease, by a proxy of the test's that swallows its traffic without a reset:
/// the job runs again and ends once on another host; when the partition heals, the cut-off agent's late reports are
/// refused by fencing and change nothing, and the VM it had started there is turned off and removed.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class PartitionTests(FaultFabricFixture fabric)
{
    [Fact]
    public async Task AgentCutOffPastItsLease_JobEndsOnceElsewhere_LateReportsRefusedByFencing_ItsVmCopyRemoved()
    {
        await using var link = TcpFaultProxy.Start(fabric.PortalUrl);
        var cutOff = await fabric.StartAgentAsync("host-cut-off", FaultFabricFixture.Biggest, startDelay: TimeSpan.FromSeconds(2),
            extra: [$"--HostAgent:PortalUrl={link.Url}"]);
        var survivor = await fabric.StartAgentAsync("host-survivor", FaultFabricFixture.Roomy);
        try
        {
            var (vm, jobId) = await fabric.CreateVmAsync("partitioned", shielded: false);
            await fabric.WaitForJobAsync(jobId, j => j.Steps.Any(s => s.Kind == JobStepKind.StartVm && s.State == JobStepState.Running));
            Assert.Equal(cutOff.HostId, (await AdminJobAsync(jobId)).HostId);

            link.Blackhole();
            var job = await fabric.SucceededAsync(jobId, FabricFixture.Deadline);
            Assert.Equal(2, job.Attempt);
            var ended = await AdminJobAsync(jobId);
            Assert.Equal(survivor.HostId, ended.HostId);

            // Cut off, the first host finished starting its copy; it still holds it while it cannot hear the portal.
            Assert.True(Directory.Exists(cutOff.VmFolder(vm.Id)), cutOff.Process.Output);
            Assert.True(Directory.Exists(survivor.VmFolder(vm.Id)), survivor.Process.Output);
            var conflictsBefore = link.Answered(HttpStatusCode.Conflict);

            link.Heal();
            await Eventually.Async(() => Task.FromResult(link.Answered(HttpStatusCode.Conflict) > conflictsBefore), FabricFixture.Deadline,
                $"the cut-off host's late reports to be answered 409\n{cutOff.Process.Output}");
            await Eventually.Async(() => Task.FromResult(!Directory.Exists(cutOff.VmFolder(vm.Id))), FabricFixture.Deadline,
                $"the cut-off host to remove its copy of the VM\n{cutOff.Process.Output}");

            Assert.Contains($"Job {jobId}: this host no longer holds the job", cutOff.Process.Output, StringComparison.Ordinal);
            Assert.Equal(JsonSerializer.Serialize(job, FabricFixture.Json), JsonSerializer.Serialize(await fabric.JobAsync(jobId), FabricFixture.Json));
            var placed = await fabric.AdminVmAsync(vm.Id);
            Assert.Equal(VmState.Running, placed.Vm.State);
            Assert.Equal(survivor.HostId, placed.HostId);
            Assert.True(Directory.Exists(survivor.VmFolder(vm.Id)));
        }
        finally
        {
            await fabric.RemoveHostsAsync([cutOff, survivor]);
        }
    }

    private async Task<AdminJobDto> AdminJobAsync(Guid jobId) =>
        (await fabric.Admin.GetFromJsonAsync<AdminJobDto>($"/api/admin/v1/jobs/{jobId}", FabricFixture.Json))!;
}
