using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent.Tests.Jobs;

public sealed class JobWorkerTests : IDisposable
{
    private readonly AgentUnderTest _agent = new();

    public void Dispose() => _agent.Dispose();

    [Fact]
    public async Task Slot_RunsClaimedJobs_AndStopsWhenTheHostIsRemoved()
    {
        var vm = AgentUnderTest.RegularVm();
        _agent.Portal.Enqueue(AgentUnderTest.Job(JobType.Create, vm));
        _agent.Portal.RefuseClaimsWhenIdle = HttpStatusCode.Unauthorized;

        await Worker(slots: 1).RunSlotsAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(_agent.Portal.Completion!.Succeeded);
        Assert.NotNull(_agent.Driver.Find(vm.Id));
        Assert.Equal(2, _agent.Portal.Claims);
    }

    [Fact]
    public async Task HostRemoved_StopsEverySlot_EvenOneMidJob_WithoutReportingMore()
    {
        _agent.Templates.Gate = new TaskCompletionSource().Task;
        _agent.Portal.Enqueue(AgentUnderTest.Job(JobType.Create, AgentUnderTest.RegularVm()));
        _agent.Portal.RefuseClaimsWhenIdle = HttpStatusCode.Unauthorized;

        await Worker(slots: 2).RunSlotsAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(_agent.Templates.Asked.Task.IsCompleted);
        Assert.Null(_agent.Portal.Completion);
        Assert.Equal(JobStepKind.FetchTemplateDisk, _agent.Portal.Steps.Single().Step);
    }

    [Fact]
    public async Task Slots_WithNothingToDo_WaitInTheirClaimsUntilStopped()
    {
        using var stop = new CancellationTokenSource();

        var running = Worker(slots: 3).RunSlotsAsync(stop.Token);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, _agent.Portal.Claims);
    }

    private JobWorker Worker(int slots)
    {
        var options = Options.Create(new HostAgentOptions { DataFolder = _agent.DataFolder });
        return new JobWorker(
            _agent.Portal, _agent.Executor, new HostAgentStatus(), new HostCredentialStore(options),
            Options.Create(new HostJobOptions { JobSlots = slots }), options, _agent.Time, NullLogger<JobWorker>.Instance);
    }
}
