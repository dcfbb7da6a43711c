using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Quotas;
using Portal.Core.VirtualMachines;

namespace Portal.Core.Tests.VirtualMachines;

public sealed class VirtualMachineTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_StartsProvisioningAndCountsTheSizeAsOneVm()
    {
        var size = HardwareProfile.Create("Medium", 4, 8, 100, null, Now);

        var vm = VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), " web-1 ", Guid.NewGuid(), size, false, Now);

        Assert.Equal(VmState.Provisioning, vm.State);
        Assert.True(vm.IsLive);
        Assert.Equal("web-1", vm.Name);
        Assert.Equal(new ResourceAmount(1, 4, 8, 100), vm.Resources);
    }

    [Fact]
    public void MarkDeleted_StopsCountingAndIsFinal()
    {
        var vm = VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), "web-1", Guid.NewGuid(),
            HardwareProfile.Create("Small", 1, 2, 20, null, Now), false, Now);
        vm.MarkRunning(Now);

        vm.MarkDeleted(Now);

        Assert.False(vm.IsLive);
        Assert.Throws<StateConflictException>(() => vm.MarkDeleted(Now));
        Assert.Throws<StateConflictException>(() => vm.MarkRunning(Now));
    }

    [Fact]
    public void MarkStopped_FromProvisioning_IsRefused()
    {
        var vm = VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), "web-1", Guid.NewGuid(),
            HardwareProfile.Create("Small", 1, 2, 20, null, Now), false, Now);

        Assert.Throws<StateConflictException>(() => vm.MarkStopped(Now));
    }

    [Fact]
    public void Create_WithoutName_NamesTheField()
    {
        var ex = Assert.Throws<DomainValidationException>(() => VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), " ",
            Guid.NewGuid(), HardwareProfile.Create("Small", 1, 2, 20, null, Now), false, Now));

        Assert.Equal("Name", Assert.Single(ex.Errors).Key);
    }
}
