using Portal.Core.Attestation;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent.Tests.Jobs;

public sealed class PowerTests : IDisposable
{
    private readonly AgentUnderTest _agent = new();

    public void Dispose() => _agent.Dispose();

    [Fact]
    public async Task ShieldedStart_ReleasesTheKeyProtectorThroughHgsEveryTime()
    {
        var vm = await CreateShieldedAsync();

        for (var round = 1; round <= 2; round++)
        {
            Assert.Equal(JobRunOutcome.Succeeded, await _agent.RunAsync(JobType.ShutDown, vm));
            Assert.Equal(VmPowerState.Off, _agent.Driver.Find(vm.Id)!.State);
            Assert.Equal(JobRunOutcome.Succeeded, await _agent.RunAsync(JobType.Start, vm));
            Assert.Equal(VmPowerState.Running, _agent.Driver.Find(vm.Id)!.State);
            Assert.Equal(1 + round, _agent.Hgs.KeyProtectorReleases);
        }
    }

    [Theory]
    [InlineData(KeyReleaseRefusal.HostNotHealthy, false)]
    [InlineData(KeyReleaseRefusal.Unavailable, true)]
    public async Task ShieldedStart_HgsRefuses_FailsWithTheRefusal_AndTheVmStaysOff(KeyReleaseRefusal refusal, bool retryable)
    {
        var vm = await CreateShieldedAsync();
        await _agent.RunAsync(JobType.ShutDown, vm);
        _agent.Hgs.Refuse = refusal;

        var outcome = await _agent.RunAsync(JobType.Start, vm);

        Assert.Equal(JobRunOutcome.Failed, outcome);
        var completion = LastCompletion();
        Assert.Equal(new JobError(JobStepKind.ReleaseKeyProtector, refusal.ToString(), $"HGS refused to release the key ({refusal})."), completion.Error);
        Assert.Equal(retryable, completion.Retryable);
        Assert.Equal(VmPowerState.Off, _agent.Driver.Find(vm.Id)!.State);
    }

    [Fact]
    public async Task ShieldedStart_OnAnUnhealthyHost_FailsAtAttest()
    {
        var vm = await CreateShieldedAsync();
        await _agent.RunAsync(JobType.ShutDown, vm);
        _agent.Health.Current = null;
        _agent.Health.NextAttestation = AttestationOutcome.Failed(AttestationStatus.UnauthorizedHost, AttestationSubStatus.None, "Not registered.");
        var releases = _agent.Hgs.KeyProtectorReleases;

        await _agent.RunAsync(JobType.Start, vm);

        Assert.Equal((JobStepKind.Attest, "UnauthorizedHost"), (LastCompletion().Error!.Step, LastCompletion().Error!.Code));
        Assert.Equal(releases, _agent.Hgs.KeyProtectorReleases);
        Assert.Equal(VmPowerState.Off, _agent.Driver.Find(vm.Id)!.State);
    }

    [Fact]
    public async Task Start_AlreadyRunning_IsSkipped_WithoutAskingHgs()
    {
        var vm = await CreateShieldedAsync();
        var releases = _agent.Hgs.KeyProtectorReleases;

        await _agent.RunAsync(JobType.Start, vm);

        Assert.True(LastCompletion().Succeeded);
        Assert.Equal(JobStepState.Skipped, _agent.Portal.Steps[^1].State);
        Assert.Equal(releases, _agent.Hgs.KeyProtectorReleases);
    }

    [Fact]
    public async Task Start_VmNotOnThisHost_Fails()
    {
        await _agent.RunAsync(JobType.Start, AgentUnderTest.RegularVm());

        Assert.Equal((JobStepKind.StartVm, "NotFound"), (LastCompletion().Error!.Step, LastCompletion().Error!.Code));
    }

    [Fact]
    public async Task ShutDownAndTurnOff_AlreadyOff_AreSkipped()
    {
        var vm = await CreateShieldedAsync();
        await _agent.RunAsync(JobType.TurnOff, vm);
        Assert.Equal(VmPowerState.Off, _agent.Driver.Find(vm.Id)!.State);

        await _agent.RunAsync(JobType.TurnOff, vm);
        await _agent.RunAsync(JobType.ShutDown, vm);

        Assert.Equal([JobStepState.Succeeded, JobStepState.Skipped, JobStepState.Skipped],
            _agent.Portal.Steps.Where(r => r.Step is JobStepKind.TurnOffVm or JobStepKind.ShutDownVm && r.State != JobStepState.Running).Select(r => r.State));
    }

    [Fact]
    public async Task Restart_ShutsDownAndStartsWithAFreshRelease()
    {
        var vm = await CreateShieldedAsync();

        await _agent.RunAsync(JobType.Restart, vm);

        Assert.True(LastCompletion().Succeeded);
        Assert.Equal(VmPowerState.Running, _agent.Driver.Find(vm.Id)!.State);
        Assert.Equal(2, _agent.Hgs.KeyProtectorReleases);
    }

    [Fact]
    public async Task Delete_RemovesTheVmFolder()
    {
        var vm = await CreateShieldedAsync();

        await _agent.RunAsync(JobType.Delete, vm);

        Assert.True(LastCompletion().Succeeded);
        Assert.Null(_agent.Driver.Find(vm.Id));
        Assert.False(Directory.Exists(Path.Combine(_agent.DataFolder, "vms", vm.Id.ToString("N"))));
    }

    [Fact]
    public async Task Delete_VmNotOnThisHost_IsSkipped()
    {
        await _agent.RunAsync(JobType.Delete, AgentUnderTest.RegularVm());

        Assert.True(LastCompletion().Succeeded);
        Assert.All(_agent.Portal.Steps.Where(r => r.State != JobStepState.Running), r => Assert.Equal(JobStepState.Skipped, r.State));
    }

    private async Task<VmSpec> CreateShieldedAsync()
    {
        var vm = AgentUnderTest.ShieldedVm();
        Assert.Equal(JobRunOutcome.Succeeded, await _agent.RunAsync(JobType.Create, vm));
        return vm with { KeyProtector = _agent.Portal.KeyProtectors.Single().KeyProtector };
    }

    private JobCompletion LastCompletion() => _agent.Portal.Accepted.OfType<JobCompletion>().Last();
}
