using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.HostAgent.Jobs;
using Portal.Testing;

namespace Portal.HostAgent.Tests.Jobs;

public sealed class LeaseTests : IDisposable
{
    private readonly AgentUnderTest _agent = new();

    public void Dispose() => _agent.Dispose();

    [Fact]
    public async Task LeaseLostMidJob_StopsReportingAtOnce_AndBuildsNothing()
    {
        _agent.Portal.LoseLeaseWhen = call => call is StepReport { Step: JobStepKind.Specialize, State: JobStepState.Running };
        var vm = AgentUnderTest.ShieldedVm();

        var outcome = await _agent.RunAsync(JobType.Create, vm);

        Assert.Equal(JobRunOutcome.LeaseLost, outcome);
        Assert.Equal(1, _agent.Portal.Refused);
        Assert.Equal((JobStepKind.CreateKeyProtector, JobStepState.Succeeded), (_agent.Portal.Steps[^1].Step, _agent.Portal.Steps[^1].State));
        Assert.Null(_agent.Portal.Completion);
        Assert.Null(_agent.Driver.Find(vm.Id));
        Assert.Equal(0, _agent.Hgs.KeyProtectorReleases);
    }

    [Fact]
    public async Task KeyProtectorRefused_WritesNoDisk()
    {
        _agent.Portal.LoseLeaseWhen = call => call is KeyProtectorReport;
        var vm = AgentUnderTest.ShieldedVm();

        var outcome = await _agent.RunAsync(JobType.Create, vm);

        Assert.Equal(JobRunOutcome.LeaseLost, outcome);
        Assert.Equal(1, _agent.Portal.Refused);
        Assert.Null(_agent.Driver.Find(vm.Id));
        Assert.False(Directory.Exists(Path.Combine(_agent.DataFolder, "vms", vm.Id.ToString("N"))));
    }

    [Fact]
    public async Task LongStep_RenewsTheLeaseEveryThirdOfItsDuration()
    {
        var gate = new TaskCompletionSource();
        _agent.Templates.Gate = gate.Task;
        var job = AgentUnderTest.Job(JobType.Create, AgentUnderTest.ShieldedVm());

        var running = _agent.Executor.RunAsync(job, CancellationToken.None);
        await _agent.Templates.Asked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _agent.Time.Advance(job.LeaseDuration / 3);
        await _agent.Portal.LeaseAsked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        gate.SetResult();

        Assert.Equal(JobRunOutcome.Succeeded, await running.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("lease", _agent.Portal.Accepted);
    }

    [Fact]
    public async Task RenewalUnansweredInTime_IsTriedAgainAtTheNextThird_AndTheJobGoesOn()
    {
        var gate = new TaskCompletionSource();
        _agent.Templates.Gate = gate.Task;
        _agent.Portal.TimeOutOnceWhen = call => call is "lease";
        var job = AgentUnderTest.Job(JobType.Create, AgentUnderTest.ShieldedVm());

        var running = _agent.Executor.RunAsync(job, CancellationToken.None);
        await _agent.Templates.Asked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _agent.Time.Advance(job.LeaseDuration / 3);
        await _agent.Portal.TimedOut.Task.WaitAsync(TimeSpan.FromSeconds(10));
        _agent.Time.Advance(job.LeaseDuration / 3);
        await _agent.Portal.LeaseRenewed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        gate.SetResult();

        Assert.Equal(JobRunOutcome.Succeeded, await running.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task StepReportUnansweredInTime_IsSentAgain_AndTheJobSucceeds()
    {
        _agent.Portal.TimeOutOnceWhen = call => call is StepReport { Step: JobStepKind.WriteDisk, State: JobStepState.Running };
        var job = AgentUnderTest.Job(JobType.Create, AgentUnderTest.ShieldedVm());

        var running = _agent.Executor.RunAsync(job, CancellationToken.None);
        await _agent.Portal.TimedOut.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The agent waits a second on its clock before sending again, but may not have begun that wait yet: the clock
        // moves on until the report arrives, not once.
        await Eventually.Async(() =>
        {
            _agent.Time.Advance(TimeSpan.FromSeconds(1));
            return Task.FromResult(_agent.Portal.Steps.Any(s => (s.Step, s.State) == (JobStepKind.WriteDisk, JobStepState.Running)));
        }, what: "the step report sent again");

        Assert.Equal(JobRunOutcome.Succeeded, await running.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(_agent.Portal.Steps, s => (s.Step, s.State) == (JobStepKind.WriteDisk, JobStepState.Running));
    }

    [Fact]
    public async Task RenewalRefused_CancelsTheStepUnderWay_AndReportsNothingMore()
    {
        _agent.Templates.Gate = new TaskCompletionSource().Task;
        _agent.Portal.LoseLeaseWhen = call => call is "lease";
        var job = AgentUnderTest.Job(JobType.Create, AgentUnderTest.ShieldedVm());

        var running = _agent.Executor.RunAsync(job, CancellationToken.None);
        await _agent.Templates.Asked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var reportsBefore = _agent.Portal.Accepted.Count;
        _agent.Time.Advance(job.LeaseDuration / 3);

        Assert.Equal(JobRunOutcome.LeaseLost, await running.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(reportsBefore, _agent.Portal.Accepted.Count);
        Assert.Null(_agent.Portal.Completion);
    }

    [Fact]
    public async Task StepsOtherThanThePlan_AreRefusedWithoutRunningAnything()
    {
        var vm = AgentUnderTest.ShieldedVm();
        var job = AgentUnderTest.Job(JobType.Create, vm) with { Steps = [JobStepKind.WriteDisk, JobStepKind.StartVm] };

        var outcome = await _agent.Executor.RunAsync(job, CancellationToken.None);

        Assert.Equal(JobRunOutcome.Failed, outcome);
        Assert.Equal("UnknownPlan", _agent.Portal.Completion!.Error!.Code);
        Assert.Empty(_agent.Portal.Steps);
        Assert.Null(_agent.Driver.Find(vm.Id));
    }
}
