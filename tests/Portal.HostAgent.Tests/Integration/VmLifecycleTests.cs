using System.Net;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.HostAgent.Hypervisor;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>A tenant's VMs through the public API, built and run by real agent processes under a real HGS.</summary>
[Collection(FabricCollection.Name)]
public sealed class VmLifecycleTests(FabricFixture fabric)
{
    [Fact]
    public async Task ShieldedAndRegularVm_CreatedThroughTheApi_RunOnARealAgent_AndStopStartDelete()
    {
        var (shielded, shieldedCreate) = await fabric.CreateVmAsync("e2e-shielded", shielded: true);
        var (regular, regularCreate) = await fabric.CreateVmAsync("e2e-regular", shielded: false);

        var created = await fabric.SucceededAsync(shieldedCreate);
        await fabric.SucceededAsync(regularCreate);

        Assert.Contains(created.Steps, s => s.Kind == JobStepKind.ReleaseKeyProtector && s.State == JobStepState.Succeeded);
        Assert.Equal(VmState.Running, (await fabric.VmAsync(shielded.Id)).State);
        Assert.Equal(VmState.Running, (await fabric.VmAsync(regular.Id)).State);
        var placed = await fabric.AdminVmAsync(shielded.Id);
        Assert.True(placed.HasKeyProtector);
        var agent = new[] { fabric.HostA, fabric.HostB }.Single(a => a.HostId == placed.HostId);
        Assert.True(File.Exists(Path.Combine(agent.VmFolder(shielded.Id), SimulatedHypervisorDriver.DiskFile)));

        foreach (var vm in new[] { shielded, regular })
        {
            await fabric.SucceededAsync(await fabric.RequestAsync(vm.Id, "shutdown"));
            Assert.Equal(VmState.Stopped, (await fabric.VmAsync(vm.Id)).State);
            var start = await fabric.SucceededAsync(await fabric.RequestAsync(vm.Id, "start"));
            Assert.Equal(VmState.Running, (await fabric.VmAsync(vm.Id)).State);
            if (vm.Shielded)
            {
                // Every shielded start asks HGS for the key again.
                Assert.Contains(start.Steps, s => s.Kind == JobStepKind.ReleaseKeyProtector && s.State == JobStepState.Succeeded);
            }
        }

        await fabric.SucceededAsync(await fabric.RequestAsync(shielded.Id, null));
        await fabric.SucceededAsync(await fabric.RequestAsync(regular.Id, null));
        using var gone = await fabric.Tenant.GetAsync($"/api/v1/vms/{shielded.Id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.False(Directory.Exists(agent.VmFolder(shielded.Id)));
    }
}
