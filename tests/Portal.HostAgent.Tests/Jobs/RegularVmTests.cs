using System.Security.Cryptography;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.Shielding.KeyProtectors;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent.Tests.Jobs;

public sealed class RegularVmTests : IDisposable
{
    private readonly AgentUnderTest _agent = new();

    public void Dispose() => _agent.Dispose();

    [Fact]
    public async Task RegularCreate_RunsItsStepsAndEndsRunning_WithoutHgs()
    {
        var vm = AgentUnderTest.RegularVm();

        Assert.Equal(JobRunOutcome.Succeeded, await _agent.RunAsync(JobType.Create, vm));

        Assert.Equal(
            [JobStepKind.FetchTemplateDisk, JobStepKind.VerifyTemplateDisk, JobStepKind.WriteDisk, JobStepKind.StartVm, JobStepKind.SpecializeGuest],
            _agent.Portal.Steps.Where(r => r.State == JobStepState.Succeeded).Select(r => r.Step));
        Assert.Equal(VmPowerState.Running, _agent.Driver.Find(vm.Id)!.State);
        Assert.Equal(0, _agent.Hgs.KeyProtectorReleases + _agent.Hgs.ShieldingDataReleases);
        Assert.Empty(_agent.Portal.KeyProtectors);
        Assert.DoesNotContain("shielding-data", _agent.Portal.Accepted);
    }

    [Fact]
    public async Task RegularCreate_KeepsTheKeyOnlyWrappedForTheTransportKey()
    {
        var vm = AgentUnderTest.RegularVm();

        await _agent.RunAsync(JobType.Create, vm);

        var keyFile = _agent.Keys.PathOf(vm.Id);
        Assert.Equal([keyFile], Directory.GetFiles(_agent.Keys.Folder));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var wrapped = await File.ReadAllBytesAsync(keyFile);
        var key = KeyWrap.Unwrap(wrapped, TestTransport.Key);
        var disk = await _agent.ReadDiskAsync(vm.Id, key);
        Assert.Equal(TestShielding.TemplateDisk, disk[..TestShielding.TemplateDisk.Length]);
        Assert.Equal([GuestSpecialization.ComputerNameEntry], GuestSpecialization.ReadFromDisk(disk).Keys);
        Assert.Empty(SecretScan.Find(_agent.DataFolder, key));
    }

    [Fact]
    public async Task RegularStart_KeyFileWrappedForAnotherHost_FailsWithoutStarting()
    {
        var vm = AgentUnderTest.RegularVm();
        await _agent.RunAsync(JobType.Create, vm);
        await _agent.RunAsync(JobType.ShutDown, vm);
        using var otherHost = RSA.Create(2048);
        await File.WriteAllBytesAsync(_agent.Keys.PathOf(vm.Id), KeyWrap.Wrap(new byte[32], otherHost));

        await _agent.RunAsync(JobType.Start, vm);

        Assert.Equal("VmKeyMismatch", _agent.Portal.Accepted.OfType<JobCompletion>().Last().Error!.Code);
        Assert.Equal(VmPowerState.Off, _agent.Driver.Find(vm.Id)!.State);
    }

    [Fact]
    public async Task RegularStart_KeyFileGone_FailsWithoutStarting()
    {
        var vm = AgentUnderTest.RegularVm();
        await _agent.RunAsync(JobType.Create, vm);
        await _agent.RunAsync(JobType.ShutDown, vm);
        File.Delete(_agent.Keys.PathOf(vm.Id));

        await _agent.RunAsync(JobType.Start, vm);

        Assert.Equal("VmKeyMissing", _agent.Portal.Accepted.OfType<JobCompletion>().Last().Error!.Code);
        Assert.Equal(VmPowerState.Off, _agent.Driver.Find(vm.Id)!.State);
    }

    [Fact]
    public async Task RegularDelete_RemovesTheVmFolderAndItsKey()
    {
        var vm = AgentUnderTest.RegularVm();
        await _agent.RunAsync(JobType.Create, vm);

        await _agent.RunAsync(JobType.Delete, vm);

        Assert.True(_agent.Portal.Accepted.OfType<JobCompletion>().Last().Succeeded);
        Assert.Null(_agent.Driver.Find(vm.Id));
        Assert.False(Directory.Exists(Path.Combine(_agent.DataFolder, "vms", vm.Id.ToString("N"))));
        Assert.False(File.Exists(_agent.Keys.PathOf(vm.Id)));
    }

    [Fact]
    public async Task RegularCreate_BeyondCapacity_FailsRetryable_AndLeavesNoKey()
    {
        var vm = AgentUnderTest.RegularVm() with { Size = new Portal.Core.Fabric.HostResources(64, 4, 40) };

        await _agent.RunAsync(JobType.Create, vm);

        var completion = _agent.Portal.Completion!;
        Assert.Equal((JobStepKind.WriteDisk, nameof(HypervisorError.CapacityExceeded)), (completion.Error!.Step, completion.Error.Code));
        Assert.True(completion.Retryable);
        Assert.False(File.Exists(_agent.Keys.PathOf(vm.Id)));
    }

    [Fact]
    public async Task TemplateDiskChangedAfterItWasVerified_IsCaughtWhileWriting_AndNothingIsLeft()
    {
        var vm = AgentUnderTest.RegularVm();
        _agent.Portal.OnStep = report =>
        {
            if (report is { Step: JobStepKind.WriteDisk, State: JobStepState.Running })
            {
                var template = Directory.GetFiles(Path.Combine(_agent.DataFolder, "library")).Single();
                File.WriteAllBytes(template, [.. TestShielding.TemplateDisk[..^1], 0x42]);
            }
        };

        await _agent.RunAsync(JobType.Create, vm);

        var completion = _agent.Portal.Completion!;
        Assert.Equal((JobStepKind.WriteDisk, "TemplateChanged"), (completion.Error!.Step, completion.Error.Code));
        Assert.False(completion.Retryable);
        Assert.Null(_agent.Driver.Find(vm.Id));
        Assert.False(Directory.Exists(Path.Combine(_agent.DataFolder, "vms", vm.Id.ToString("N"))));
        Assert.False(File.Exists(_agent.Keys.PathOf(vm.Id)));
    }
}
