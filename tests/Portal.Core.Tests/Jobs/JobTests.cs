using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Jobs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.VirtualMachines;

namespace Portal.Core.Tests.Jobs;

public sealed class JobTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly Guid HostA = Guid.NewGuid();
    private static readonly Guid HostB = Guid.NewGuid();

    private static VirtualMachine Vm(bool shielded = false) => VirtualMachine.Create(Guid.NewGuid(), Guid.NewGuid(), "web-1", Guid.NewGuid(),
        HardwareProfile.Create("Small", 1, 2, 20, null, Now), shielded, Now,
        shielded ? Guid.NewGuid() : null, shielded ? ShieldingPolicy.Shielded : null);

    private static Job Claimed(out long fencing, JobType type = JobType.Create, bool shielded = false)
    {
        var job = Job.Create(type, Vm(shielded), "tenant@example.com", null, Now);
        job.Place(HostA, Now);
        fencing = job.Claim(HostA, Lease, Now);
        return job;
    }

    [Fact]
    public void Create_ShieldedCreate_ListsTheHgsStepsInOrder()
    {
        var job = Job.Create(JobType.Create, Vm(shielded: true), "t", null, Now);

        Assert.Equal(JobState.Queued, job.State);
        Assert.Equal(
            [JobStepKind.FetchTemplateDisk, JobStepKind.VerifyTemplateDisk, JobStepKind.Attest, JobStepKind.OpenShieldingData,
             JobStepKind.CreateKeyProtector, JobStepKind.Specialize, JobStepKind.WriteDisk, JobStepKind.ReleaseKeyProtector, JobStepKind.StartVm,
             JobStepKind.SpecializeGuest],
            job.Steps.Select(s => s.Kind));
        Assert.All(job.Steps, s => Assert.Equal(JobStepState.Pending, s.State));
    }

    [Fact]
    public void Create_RegularCreate_SkipsTheShieldingSteps()
    {
        var job = Job.Create(JobType.Create, Vm(), "t", null, Now);

        Assert.DoesNotContain(job.Steps, s => s.Kind is JobStepKind.Attest or JobStepKind.OpenShieldingData or JobStepKind.ReleaseKeyProtector);
    }

    [Fact]
    public void Start_OfAShieldedVm_AsksHgsEveryTime()
    {
        Assert.Equal([JobStepKind.Attest, JobStepKind.ReleaseKeyProtector, JobStepKind.StartVm], JobPlan.Steps(JobType.Start, shielded: true));
        Assert.Equal([JobStepKind.ShutDownVm, JobStepKind.Attest, JobStepKind.ReleaseKeyProtector, JobStepKind.StartVm], JobPlan.Steps(JobType.Restart, shielded: true));
    }

    [Fact]
    public void Claim_RaisesTheFencingNumberAndSetsTheLease()
    {
        var job = Claimed(out var fencing);

        Assert.Equal(JobState.Running, job.State);
        Assert.Equal(1, fencing);
        Assert.Equal(1, job.Attempt);
        Assert.Equal(Now + Lease, job.LeaseExpiresAt);
    }

    [Fact]
    public void Claim_ByAnotherHostThanTheOnePlaced_IsRefused()
    {
        var job = Job.Create(JobType.Create, Vm(), "t", null, Now);
        job.Place(HostA, Now);

        Assert.Throws<LeaseLostException>(() => job.Claim(HostB, Lease, Now));
        Assert.Equal(JobState.Placing, job.State);
    }

    [Fact]
    public void ClaimJob_Twice_OnlyTheFirstSucceeds()
    {
        var job = Claimed(out _);

        Assert.Throws<StateConflictException>(() => job.Claim(HostA, Lease, Now));
    }

    [Fact]
    public void ReportStep_RenewsTheLeaseAndMovesTheStep()
    {
        var job = Claimed(out var fencing);

        var renewed = job.ReportStep(HostA, fencing, JobStepKind.FetchTemplateDisk, JobStepState.Succeeded, "fetched", Lease, Now.AddSeconds(10));

        Assert.Equal(Now.AddSeconds(40), renewed);
        var step = job.Steps[0];
        Assert.Equal(JobStepState.Succeeded, step.State);
        Assert.Equal("fetched", step.Message);
        Assert.Equal(20, job.Progress);
    }

    [Fact]
    public void ReportStep_OfAStepThatEnded_RenewsTheLeaseButKeepsTheEnd()
    {
        var job = Claimed(out var fencing);
        job.ReportStep(HostA, fencing, JobStepKind.FetchTemplateDisk, JobStepState.Succeeded, "fetched", Lease, Now.AddSeconds(10));

        var renewed = job.ReportStep(HostA, fencing, JobStepKind.FetchTemplateDisk, JobStepState.Running, "fetching 50 %", Lease, Now.AddSeconds(20));
        job.ReportStep(HostA, fencing, JobStepKind.FetchTemplateDisk, JobStepState.Succeeded, "fetched again", Lease, Now.AddSeconds(20));

        Assert.Equal(Now.AddSeconds(50), renewed);
        var step = job.Steps[0];
        Assert.Equal(JobStepState.Succeeded, step.State);
        Assert.Equal("fetched", step.Message);
        Assert.Equal(Now.AddSeconds(10), step.FinishedAt);
    }

    [Fact]
    public void ReportStep_StaleFencingNumber_IsRejectedAndChangesNothing()
    {
        var job = Claimed(out var fencing);

        Assert.Throws<LeaseLostException>(() =>
            job.ReportStep(HostA, fencing - 1, JobStepKind.FetchTemplateDisk, JobStepState.Succeeded, null, Lease, Now));

        Assert.Equal(JobStepState.Pending, job.Steps[0].State);
        Assert.Equal(Now + Lease, job.LeaseExpiresAt);
    }

    [Fact]
    public void ReportStep_AfterTheLeaseExpired_IsRejected()
    {
        var job = Claimed(out var fencing);

        Assert.Throws<LeaseLostException>(() =>
            job.ReportStep(HostA, fencing, JobStepKind.FetchTemplateDisk, JobStepState.Running, null, Lease, Now + Lease + TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void ReportStep_AStepThePlanDoesNotList_IsRefused()
    {
        var job = Claimed(out var fencing);

        Assert.Throws<DomainValidationException>(() =>
            job.ReportStep(HostA, fencing, JobStepKind.ShutDownVm, JobStepState.Running, null, Lease, Now));
    }

    [Fact]
    public void ExpireLease_RequeuesWithBackoff_ThenTheOldHostsReportsAreRefusedAfterTheNextClaim()
    {
        var job = Claimed(out var oldFencing);
        var later = Now + Lease + TimeSpan.FromSeconds(1);

        job.ExpireLease(TimeSpan.FromSeconds(5), later);

        Assert.Equal(JobState.Queued, job.State);
        Assert.Null(job.HostId);
        Assert.False(job.IsWaitingForHost(later));
        Assert.True(job.IsWaitingForHost(later.AddSeconds(5)));
        Assert.Equal("LeaseExpired", job.Error!.Code);

        job.Place(HostB, later.AddSeconds(5));
        var newFencing = job.Claim(HostB, Lease, later.AddSeconds(5));

        Assert.Equal(oldFencing + 1, newFencing);
        Assert.Throws<LeaseLostException>(() => job.Succeed(HostA, oldFencing, later.AddSeconds(6)));
        job.Succeed(HostB, newFencing, later.AddSeconds(6));
        Assert.Equal(JobState.Succeeded, job.State);
    }

    [Fact]
    public void ExpireLease_OnTheLastAttempt_FailsTheJobWithTheReason()
    {
        var job = Job.Create(JobType.Create, Vm(), "t", null, Now);
        var at = Now;
        for (var attempt = 1; attempt <= job.MaxAttempts; attempt++)
        {
            job.Place(HostA, at);
            job.Claim(HostA, Lease, at);
            at += Lease + TimeSpan.FromSeconds(1);
            job.ExpireLease(TimeSpan.Zero, at);
        }

        Assert.Equal(JobState.Failed, job.State);
        Assert.Contains("stopped reporting", job.Error!.Message);
    }

    [Fact]
    public void Fail_Retryable_RequeuesWhileAttemptsRemain()
    {
        var job = Claimed(out var fencing);

        job.Fail(HostA, fencing, JobError.Of(JobStepKind.Attest, "Unavailable", "HGS could not be reached."), retryable: true, TimeSpan.FromSeconds(5), Now);

        Assert.Equal(JobState.Queued, job.State);
        Assert.Equal("HGS could not be reached.", job.Error!.Message);
    }

    [Fact]
    public void Fail_NotRetryable_FailsAtOnceNamingTheStep()
    {
        var job = Claimed(out var fencing, shielded: true);

        job.Fail(HostA, fencing, JobError.Of(JobStepKind.Attest, "AttestationFailed", "InsecureHostConfiguration (SecureBoot)"), retryable: false, TimeSpan.Zero, Now);

        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal(JobStepKind.Attest, job.Error!.Step);
        Assert.Equal(JobStepState.Failed, job.Steps.Single(s => s.Kind == JobStepKind.Attest).State);
        Assert.Null(job.LeaseExpiresAt);
    }

    [Fact]
    public void Unplace_APlacedJob_GoesBackToTheQueueWithoutUsingAnAttempt()
    {
        var job = Job.Create(JobType.Create, Vm(), "t", null, Now);
        job.Place(HostA, Now);

        job.Unplace("Its host stopped responding before taking the job; placing it again.", Now);

        Assert.Equal((JobState.Queued, 0), (job.State, job.Attempt));
        Assert.Null(job.HostId);
        Assert.Contains("stopped responding", job.WaitingReason);
        Assert.Throws<StateConflictException>(() => job.Unplace("again", Now));
    }

    [Fact]
    public void Cancel_OnlyBeforeAHostClaimedIt()
    {
        var queued = Job.Create(JobType.Start, Vm(), "t", null, Now);
        queued.Cancel(Now);
        Assert.Equal(JobState.Cancelled, queued.State);

        var running = Claimed(out _);
        Assert.Throws<StateConflictException>(() => running.Cancel(Now));
    }

    [Fact]
    public void Restart_AFailedJob_StartsOverWithFreshAttempts()
    {
        var job = Claimed(out var fencing);
        job.Fail(HostA, fencing, JobError.Of(JobStepKind.WriteDisk, "CapacityExceeded", "full"), retryable: false, TimeSpan.Zero, Now);

        job.Restart(Now.AddMinutes(1));

        Assert.Equal(JobState.Queued, job.State);
        Assert.Equal(0, job.Attempt);
        Assert.Null(job.Error);
        Assert.All(job.Steps, s => Assert.Equal(JobStepState.Pending, s.State));
        Assert.Throws<StateConflictException>(() => job.Restart(Now));
    }

    [Fact]
    public void Succeed_SkipsStepsNotReported_AndIsFinal()
    {
        var job = Claimed(out var fencing);

        job.Succeed(HostA, fencing, Now);

        Assert.Equal(100, job.Progress);
        Assert.All(job.Steps, s => Assert.Equal(JobStepState.Skipped, s.State));
        Assert.Throws<LeaseLostException>(() => job.Succeed(HostA, fencing, Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\nb")]
    public void IdempotencyKey_Empty_OrWithControlCharacters_IsRefused(string key)
    {
        Assert.Throws<DomainValidationException>(() => Job.ValidateIdempotencyKey(key));
    }

    [Fact]
    public void Effects_CreateRequeued_FreesTheVmsHost_AndFailedForGood_MarksTheVmFailed()
    {
        var vm = Vm();
        var job = Job.Create(JobType.Create, vm, "t", null, Now);
        job.Place(HostA, Now);
        vm.AssignHost(HostA);
        var fencing = job.Claim(HostA, Lease, Now);

        job.Fail(HostA, fencing, JobError.Of(null, "AgentError", "boom"), retryable: true, TimeSpan.Zero, Now);
        job.ApplyTo(vm, Now);
        Assert.Null(vm.HostId);
        Assert.Equal(VmState.Provisioning, vm.State);

        job.Place(HostB, Now);
        vm.AssignHost(HostB);
        fencing = job.Claim(HostB, Lease, Now);
        job.Fail(HostB, fencing, JobError.Of(null, "AgentError", "boom"), retryable: false, TimeSpan.Zero, Now);
        job.ApplyTo(vm, Now);
        Assert.Equal(VmState.Failed, vm.State);
    }
}
