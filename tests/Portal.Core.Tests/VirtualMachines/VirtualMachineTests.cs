using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Jobs;
using Portal.Core.Quotas;
using Portal.Core.Shielding.DataFiles;
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
        vm.Complete(JobType.Create, Now);

        vm.MarkDeleted(Now);

        Assert.False(vm.IsLive);
        Assert.Throws<StateConflictException>(() => vm.MarkDeleted(Now));
        Assert.Throws<StateConflictException>(() => vm.Complete(JobType.Start, Now));
    }

    [Fact]
    public void ShutDownCompleted_FromProvisioning_IsRefused()
    {
        var vm = VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), "web-1", Guid.NewGuid(),
            HardwareProfile.Create("Small", 1, 2, 20, null, Now), false, Now);

        Assert.Throws<StateConflictException>(() => vm.Complete(JobType.ShutDown, Now));
    }

    [Theory]
    [InlineData(VmState.Running, JobType.ShutDown, true)]
    [InlineData(VmState.Running, JobType.TurnOff, true)]
    [InlineData(VmState.Running, JobType.Restart, true)]
    [InlineData(VmState.Running, JobType.Start, false)]
    [InlineData(VmState.Stopped, JobType.Start, true)]
    [InlineData(VmState.Stopped, JobType.ShutDown, false)]
    [InlineData(VmState.Stopped, JobType.Delete, true)]
    [InlineData(VmState.Provisioning, JobType.Delete, false)]
    [InlineData(VmState.Provisioning, JobType.Start, false)]
    [InlineData(VmState.Failed, JobType.Delete, true)]
    [InlineData(VmState.Failed, JobType.Start, false)]
    public void EnsureCanRun_AllowsOnlyWhatTheStateAllows(VmState state, JobType type, bool allowed)
    {
        var vm = InState(state);

        var refusal = Record.Exception(() => vm.EnsureCanRun(type));

        if (allowed)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.Contains($"is {state}", Assert.IsType<StateConflictException>(refusal).Message);
        }
    }

    [Fact]
    public void AttachKeyProtector_SameTwiceIsFine_ADifferentOneIsRefused()
    {
        var vm = Shielded(ShieldingPolicy.Shielded);

        vm.AttachKeyProtector([1, 2, 3]);
        vm.AttachKeyProtector([1, 2, 3]);

        Assert.Throws<StateConflictException>(() => vm.AttachKeyProtector([9, 9, 9]));
        Assert.Equal([1, 2, 3], vm.KeyProtector);
    }

    [Fact]
    public void AttachKeyProtector_ToARegularVm_IsRefused()
    {
        var vm = InState(VmState.Provisioning);

        Assert.Throws<StateConflictException>(() => vm.AttachKeyProtector([1]));
    }

    [Fact]
    public void Console_IsRefusedForTheShieldedPolicyOnly()
    {
        Assert.Contains("console access is refused", Assert.Throws<StateConflictException>(
            () => Shielded(ShieldingPolicy.Shielded).EnsureConsoleAllowed()).Message);
        Shielded(ShieldingPolicy.EncryptionSupported).EnsureConsoleAllowed();
        InState(VmState.Running).EnsureConsoleAllowed();
    }

    [Fact]
    public void Create_ShieldedWithoutPolicy_IsRefused()
    {
        Assert.Throws<DomainValidationException>(() => VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), "a", Guid.NewGuid(),
            HardwareProfile.Create("Small", 1, 2, 20, null, Now), true, Now, Guid.NewGuid(), policy: null));
    }

    [Fact]
    public void RetryCreation_BringsAFailedVmBackToProvisioningWithoutAHost()
    {
        var vm = InState(VmState.Provisioning);
        vm.AssignHost(Guid.NewGuid());
        vm.MarkFailed(Now);

        vm.RetryCreation();

        Assert.Equal(VmState.Provisioning, vm.State);
        Assert.Null(vm.HostId);
    }

    [Fact]
    public void IsStrayOn_AHostThatLostTheVmToAnotherOrToDeletion()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var vm = InState(VmState.Provisioning);
        Assert.False(vm.IsStrayOn(a));

        vm.AssignHost(b);
        Assert.True(vm.IsStrayOn(a));
        Assert.False(vm.IsStrayOn(b));

        vm.MarkDeleted(Now);
        Assert.True(vm.IsStrayOn(b));
    }

    [Fact]
    public void ObservePowerState_RunningVmItsHostReportsOff_IsStopped_ButNotRightAfterAJobChangedIt()
    {
        var vm = InState(VmState.Running);

        Assert.False(vm.ObservePowerState(Portal.Core.Fabric.Protocol.VmPowerState.Off, Now.AddSeconds(1)));
        Assert.False(vm.ObservePowerState(Portal.Core.Fabric.Protocol.VmPowerState.Running, Now.AddMinutes(1)));
        Assert.Equal(VmState.Running, vm.State);

        Assert.True(vm.ObservePowerState(Portal.Core.Fabric.Protocol.VmPowerState.Off, Now.AddMinutes(1)));
        Assert.Equal(VmState.Stopped, vm.State);
    }

    [Fact]
    public void ObservePowerState_RunningVmWhoseHypervisorCrashed_IsStopped()
    {
        var vm = InState(VmState.Running);

        Assert.True(vm.ObservePowerState(Portal.Core.Fabric.Protocol.VmPowerState.Crashed, Now.AddMinutes(1)));

        Assert.Equal(VmState.Stopped, vm.State);
    }

    private static VirtualMachine Shielded(ShieldingPolicy policy) => VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), "s", Guid.NewGuid(),
        HardwareProfile.Create("Small", 1, 2, 20, null, Now), true, Now, Guid.NewGuid(), policy);

    private static VirtualMachine InState(VmState state)
    {
        var vm = VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), "web-1", Guid.NewGuid(),
            HardwareProfile.Create("Small", 1, 2, 20, null, Now), false, Now);
        switch (state)
        {
            case VmState.Running:
                vm.Complete(JobType.Create, Now);
                break;
            case VmState.Stopped:
                vm.Complete(JobType.Create, Now);
                vm.Complete(JobType.ShutDown, Now);
                break;
            case VmState.Failed:
                vm.MarkFailed(Now);
                break;
            case VmState.Deleted:
                vm.MarkDeleted(Now);
                break;
            case VmState.Provisioning:
                break;
        }

        return vm;
    }

    [Fact]
    public void Create_WithoutName_NamesTheField()
    {
        var ex = Assert.Throws<DomainValidationException>(() => VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), " ",
            Guid.NewGuid(), HardwareProfile.Create("Small", 1, 2, 20, null, Now), false, Now));

        Assert.Equal("Name", Assert.Single(ex.Errors).Key);
    }
}
