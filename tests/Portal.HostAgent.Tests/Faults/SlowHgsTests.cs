using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.HostAgent.Tests.Integration;

namespace Portal.HostAgent.Tests.Faults;

/// <summary>
/// HGS up but slow — it takes requests and never answers in any sane time. The agent waits at most its HGS timeout per
/// call, so a shielded start fails closed with a reason naming HGS in bounded time; regular VMs do not need HGS and go on.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class SlowHgsTests(FaultFabricFixture fabric)
{
    private static readonly TimeSpan HgsTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task HgsSlow_ShieldedStartFailsClosedNamingHgsInBoundedTime_WhileRegularVmsStartAndStop()
    {
        await using var hgs = TcpFaultProxy.Start(fabric.HgsUrl);
        var agent = await fabric.StartAgentAsync("host-slow-hgs", FaultFabricFixture.Roomy, extra:
            [$"--HostAgent:HgsUrl={hgs.Url}", $"--HostAgent:HgsTimeout={HgsTimeout}"]);
        try
        {
            await fabric.WaitForHostsAsync(hosts => hosts.Any(h => h.Id == agent.HostId && h.HealthyForShieldedVms));
            var (shielded, shieldedCreate) = await fabric.CreateVmAsync("slow-hgs-shielded", shielded: true);
            var (regular, regularCreate) = await fabric.CreateVmAsync("slow-hgs-regular", shielded: false);
            await fabric.SucceededAsync(shieldedCreate);
            await fabric.SucceededAsync(regularCreate);
            await fabric.SucceededAsync(await fabric.RequestAsync(shielded.Id, "shutdown"));

            hgs.DelayAnswers(TimeSpan.FromMinutes(10));
            var asked = DateTime.UtcNow;
            var start = await fabric.WaitForJobAsync(await fabric.RequestAsync(shielded.Id, "start"),
                j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled);
            var took = DateTime.UtcNow - asked;

            Assert.True(start.State == JobState.Failed, FabricFixture.Describe(start));
            Assert.Equal(JobStepKind.ReleaseKeyProtector, start.Error!.Step);
            Assert.Contains("HGS did not answer within 2 seconds", start.Error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(start.Steps, s => s.Kind == JobStepKind.StartVm && s.State == JobStepState.Succeeded);
            Assert.Equal(VmState.Stopped, (await fabric.VmAsync(shielded.Id)).State);

            // Each attempt waits one timeout for HGS; anything near the proxy's delay would mean an unbounded wait.
            var bound = HgsTimeout * start.MaxAttempts + TimeSpan.FromSeconds(15);
            Assert.True(took < bound, $"The refusal took {took}, more than {bound}: {FabricFixture.Describe(start)}");

            await fabric.SucceededAsync(await fabric.RequestAsync(regular.Id, "shutdown"));
            Assert.Equal(VmState.Stopped, (await fabric.VmAsync(regular.Id)).State);
            await fabric.SucceededAsync(await fabric.RequestAsync(regular.Id, "start"));
            Assert.Equal(VmState.Running, (await fabric.VmAsync(regular.Id)).State);

            // HGS answering in time again, the same VM starts: the failure was HGS's slowness, nothing else.
            hgs.DelayAnswers(TimeSpan.Zero);
            await fabric.SucceededAsync(await fabric.RequestAsync(shielded.Id, "start"));
            Assert.Equal(VmState.Running, (await fabric.VmAsync(shielded.Id)).State);
        }
        finally
        {
            await fabric.RemoveHostAsync(agent.HostId);
        }
    }
}
