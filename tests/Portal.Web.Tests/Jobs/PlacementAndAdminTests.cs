using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.Testing;
using Portal.Web.Features.Jobs;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Jobs;

public sealed class JobPlacementTests : IAsyncLifetime
{
    private readonly JobsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task ConcurrentCreates_OneHostWithRoomForTwo_NeverOvercommitted_RestWaitSayingWhy()
    {
        var tenant = await _app.TenantAsync(vcpus: 2, memoryGiB: 4, diskGiB: 40);
        var host = await _app.AgentAsync(new HostResources(5, 64, 1000));

        var created = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => tenant.CreatedVmAsync($"web-{i}")));

        var jobs = await Eventually.ValueAsync(
            () => Task.WhenAll(created.Select(c => tenant.JobAsync(c.JobId))),
            all => all.Count(j => j.State == JobState.Placing) == 2 && all.Count(j => j.WaitingReason is not null) == 3,
            "two jobs placed and three waiting with a reason");
        Assert.All(jobs.Where(j => j.State != JobState.Placing), j =>
        {
            Assert.Equal(JobState.Queued, j.State);
            Assert.Equal("No host fits: 1 lacks 2 free vCPUs.", j.WaitingReason);
        });
        var placedOnHost = await _app.Fabric.WithDbAsync(db => db.VirtualMachines.CountAsync(v => v.HostId == host.HostId));
        Assert.Equal(2, placedOnHost);
    }

    [Fact]
    public async Task ShieldedCreate_OnlyHostFailedSecureBoot_WaitsSayingSo_PlacedOnceAHealthyHostBeats()
    {
        var tenant = await _app.TenantAsync(shieldingTemplate: true);
        var data = await JobsApp.UploadShieldingDataAsync(tenant.Client);
        var failing = await _app.AgentAsync(healthy: false);
        await failing.BeatFailedAsync(AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot, "Secure Boot is off");

        var (_, jobId) = await tenant.CreatedVmAsync(shielded: true, shieldingDataId: data.Id);

        var waiting = await tenant.JobWhenAsync(jobId, j => j.WaitingReason is not null, "to say why it waits");
        Assert.Equal(JobState.Queued, waiting.State);
        Assert.Contains("failed attestation (SecureBoot)", waiting.WaitingReason);
        Assert.Null(await failing.TryClaimAsync(0));

        var healthy = await _app.AgentAsync();
        var placed = await tenant.JobWhenAsync(jobId, j => j.State == JobState.Placing, "to be placed");
        Assert.Null(placed.WaitingReason);
        var job = await healthy.ClaimJobAsync();
        Assert.Equal(jobId, job.JobId);
        Assert.Null(await failing.TryClaimAsync(0));
    }

    [Fact]
    public async Task DrainingHost_GetsNoNewVm_WaitsSayingSo()
    {
        var tenant = await _app.TenantAsync();
        var host = await _app.AgentAsync();
        Assert.Equal(HttpStatusCode.OK, (await _app.Admin.PostAsync($"/api/admin/v1/fabric/hosts/{host.HostId}/drain", null)).StatusCode);

        var (_, jobId) = await tenant.CreatedVmAsync();

        var waiting = await tenant.JobWhenAsync(jobId, j => j.WaitingReason is not null, "to say why it waits");
        Assert.Equal("No host fits: 1 is draining.", waiting.WaitingReason);
        Assert.Null(await host.TryClaimAsync(1));
        Assert.Equal(JobState.Queued, (await tenant.JobAsync(jobId)).State);
    }
}

public sealed class AdminJobTests : IAsyncLifetime
{
    private readonly JobsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task FailedJob_ListedByState_RestartQueuesItAgain_ThenItCompletes()
    {
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (vm, jobId) = await tenant.CreatedVmAsync();
        var job = await agent.ClaimJobAsync();
        await TestJobAgent.AssertOkAsync(await agent.ReportStepAsync(jobId, job.FencingToken, JobStepKind.FetchTemplateDisk, JobStepState.Running));
        await TestJobAgent.AssertOkAsync(await agent.CompleteAsync(jobId, job.FencingToken, succeeded: false,
            JobError.Of(JobStepKind.FetchTemplateDisk, "DiskUnavailable", "The library did not answer."), retryable: false));

        var failed = await tenant.JobAsync(jobId);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal((JobStepKind.FetchTemplateDisk, "DiskUnavailable"), (failed.Error?.Step, failed.Error?.Code));
        Assert.Equal(VmState.Failed, (await tenant.VmAsync(vm.Id)).State);
        var listed = await _app.Admin.GetItemsAsync<AdminJobDto>("/api/admin/v1/jobs?state=Failed");
        Assert.Contains(listed, j => j.Job.Id == jobId && j.HostId == agent.HostId);
        Assert.All(listed, j => Assert.Equal(JobState.Failed, j.Job.State));
        Assert.DoesNotContain(await _app.Admin.GetItemsAsync<AdminJobDto>("/api/admin/v1/jobs?state=Succeeded"), j => j.Job.Id == jobId);

        var restarted = await (await _app.Admin.PostAsync($"/api/admin/v1/jobs/{jobId}/restart", null)).ReadAsync<AdminJobDto>();
        Assert.Contains(restarted.Job.State, new[] { JobState.Queued, JobState.Placing });
        Assert.Null(restarted.Job.Error);
        Assert.Equal(VmState.Provisioning, (await tenant.VmAsync(vm.Id)).State);

        var again = await agent.ClaimJobAsync();
        Assert.Equal((jobId, 1), (again.JobId, again.Attempt));
        await agent.RunToSuccessAsync(again);
        Assert.Equal(JobState.Succeeded, (await tenant.JobAsync(jobId)).State);
        Assert.Equal(VmState.Running, (await tenant.VmAsync(vm.Id)).State);
        await (await _app.Admin.PostAsync($"/api/admin/v1/jobs/{jobId}/restart", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task CancelQueuedCreate_JobCancelled_VmFailed_RunningJobCannotBeCancelled()
    {
        var tenant = await _app.TenantAsync();
        var (vm, jobId) = await tenant.CreatedVmAsync();

        var cancelled = await (await _app.Admin.PostAsync($"/api/admin/v1/jobs/{jobId}/cancel", null)).ReadAsync<AdminJobDto>();

        Assert.Equal(JobState.Cancelled, cancelled.Job.State);
        Assert.Equal(JobState.Cancelled, (await tenant.JobAsync(jobId)).State);
        Assert.Equal(VmState.Failed, (await tenant.VmAsync(vm.Id)).State);
        var agent = await _app.AgentAsync();
        Assert.Null(await agent.TryClaimAsync(1));

        var (_, runningId) = await tenant.CreatedVmAsync();
        await agent.ClaimJobAsync();
        await (await _app.Admin.PostAsync($"/api/admin/v1/jobs/{runningId}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(JobState.Running, (await tenant.JobAsync(runningId)).State);
    }

    [Fact]
    public async Task RetryableFailure_GoesBackToTheQueue_AndRunsAgain()
    {
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (vm, jobId) = await tenant.CreatedVmAsync();
        var job = await agent.ClaimJobAsync();

        await TestJobAgent.AssertOkAsync(await agent.CompleteAsync(jobId, job.FencingToken, succeeded: false,
            JobError.Of(JobStepKind.FetchTemplateDisk, "HgsUnavailable", "HGS did not answer."), retryable: true));

        var again = await agent.ClaimJobAsync();
        Assert.Equal((jobId, 2), (again.JobId, again.Attempt));
        await agent.RunToSuccessAsync(again);
        Assert.Equal(JobState.Succeeded, (await tenant.JobAsync(jobId)).State);
        Assert.Equal(VmState.Running, (await tenant.VmAsync(vm.Id)).State);
    }
}
