using System.Net;
using Portal.Core.Jobs;
using Portal.Core.Quotas;
using Portal.Core.VirtualMachines;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Jobs;

public sealed class VmJobLifecycleTests : IAsyncLifetime
{
    private readonly JobsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task CreateVm_Returns202WithJobLocation_AgentRunsEveryStep_VmRunningJobSucceeded()
    {
        var tenant = await _app.TenantAsync();

        var (vm, jobId) = await tenant.CreatedVmAsync("web-1");

        Assert.Equal(VmState.Provisioning, vm.State);
        var queued = await tenant.JobAsync(jobId);
        Assert.Equal((JobType.Create, vm.Id), (queued.Type, queued.VmId));
        Assert.Contains(queued.State, new[] { JobState.Queued, JobState.Placing });
        Assert.Equal(JobPlan.Steps(JobType.Create, shielded: false), queued.Steps.Select(s => s.Kind));
        Assert.All(queued.Steps, s => Assert.Equal(JobStepState.Pending, s.State));

        var agent = await _app.AgentAsync();
        var job = await agent.ClaimJobAsync();
        Assert.Equal((jobId, JobType.Create, 1, false), (job.JobId, job.Type, job.Attempt, job.Vm.Shielded));
        Assert.Equal(vm.Id, job.Vm.Id);
        Assert.Equal(queued.Steps.Select(s => s.Kind), job.Steps);
        Assert.Equal(JobState.Running, (await tenant.JobAsync(jobId)).State);

        await TestJobAgent.AssertOkAsync(await agent.ReportStepAsync(jobId, job.FencingToken, job.Steps[0], JobStepState.Running, "Copying"));
        var running = await tenant.JobAsync(jobId);
        Assert.Equal(JobStepState.Running, running.Steps[0].State);
        Assert.Equal("Copying", running.Steps[0].Message);
        Assert.Equal(JobState.Running, (await tenant.VmAsync(vm.Id)).ActiveJob?.State);

        await agent.RunToSuccessAsync(job);

        var done = await tenant.JobAsync(jobId);
        Assert.Equal((JobState.Succeeded, 100), (done.State, done.Progress));
        Assert.All(done.Steps, s => Assert.Equal(JobStepState.Succeeded, s.State));
        Assert.NotNull(done.FinishedAt);
        var running2 = await tenant.VmAsync(vm.Id);
        Assert.Equal(VmState.Running, running2.State);
        Assert.Null(running2.ActiveJob);
        Assert.Contains(await tenant.Client.GetItemsAsync<JobDto>("/api/v1/jobs"), j => j.Id == jobId && j.State == JobState.Succeeded);
        Assert.Null(await agent.TryClaimAsync(0));
    }

    [Fact]
    public async Task DayTwo_ShutDownStartRestartDelete_EachJobRunsOnTheVmsHost_DeleteReleasesQuota()
    {
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (vm, _) = await tenant.CreatedVmAsync("app-1");
        await agent.RunNextAsync();
        Assert.Equal(VmState.Running, (await tenant.VmAsync(vm.Id)).State);
        Assert.Equal(1, await UsedVmsAsync(tenant));

        foreach (var (action, type, after) in new[]
        {
            ("shutdown", JobType.ShutDown, VmState.Stopped),
            ("start", JobType.Start, VmState.Running),
            ("restart", JobType.Restart, VmState.Running),
            ("turnoff", JobType.TurnOff, VmState.Stopped),
        })
        {
            var queued = await tenant.OperateAsync(vm.Id, action);
            Assert.Equal((type, vm.Id), (queued.Type, queued.VmId));
            var job = await agent.ClaimJobAsync();
            Assert.Equal((queued.Id, type), (job.JobId, job.Type));
            Assert.Equal(JobPlan.Steps(type, shielded: false), job.Steps);
            await agent.RunToSuccessAsync(job);
            Assert.Equal(JobState.Succeeded, (await tenant.JobAsync(queued.Id)).State);
            Assert.Equal(after, (await tenant.VmAsync(vm.Id)).State);
        }

        var delete = await tenant.DeleteVmAsync(vm.Id);
        Assert.Equal(JobType.Delete, delete.Type);
        Assert.Equal(1, await UsedVmsAsync(tenant));
        await agent.RunNextAsync();
        Assert.Equal(JobState.Succeeded, (await tenant.JobAsync(delete.Id)).State);

        Assert.DoesNotContain(await tenant.Client.GetItemsAsync<VmDto>("/api/v1/vms"), v => v.Id == vm.Id);
        Assert.DoesNotContain(await tenant.Client.GetItemsAsync<VmDto>($"/api/v1/subscriptions/{tenant.SubscriptionId}/vms"), v => v.Id == vm.Id);
        var usage = (await tenant.Client.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions")).Single(s => s.Id == tenant.SubscriptionId).Quota;
        Assert.All(usage, u => Assert.Equal(0, u.Used));
        var history = await tenant.Client.GetItemsAsync<JobDto>($"/api/v1/vms/{vm.Id}/jobs");
        Assert.Equal(6, history.Count);
        Assert.All(history, j => Assert.Equal(JobState.Succeeded, j.State));
    }

    [Fact]
    public async Task StartVm_AlreadyRunning_Returns409NamingTheState_QueuesNothing()
    {
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (vm, _) = await tenant.CreatedVmAsync();
        await agent.RunNextAsync();

        var response = await tenant.Client.PostAsync($"/api/v1/vms/{vm.Id}/start", null);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Running", problem.GetProperty("detail").GetString());
        Assert.Single(await tenant.Client.GetItemsAsync<JobDto>($"/api/v1/vms/{vm.Id}/jobs"));
    }

    private static async Task<int> UsedVmsAsync(TenantSetup tenant) =>
        (await tenant.Client.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions")).Single(s => s.Id == tenant.SubscriptionId)
            .Quota.Single(q => q.Dimension == QuotaDimension.Vms).Used;
}
