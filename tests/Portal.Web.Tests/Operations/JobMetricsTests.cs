using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Jobs;
using Portal.Testing;
using Portal.Web.Features.Jobs;
using Portal.Web.Tests.Jobs;

namespace Portal.Web.Tests.Operations;

public sealed class JobMetricsTests : IAsyncLifetime
{
    private readonly JobsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Claim_RecordsQueueWait_AndEachStateTheJobEnters()
    {
        using var metrics = new RecordedMeasurements(_app.Fabric.App.Services.GetRequiredService<IMeterFactory>(), JobMetrics.MeterName);
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (_, jobId) = await tenant.CreatedVmAsync();

        var job = await agent.ClaimJobAsync();
        await agent.RunToSuccessAsync(job);
        await tenant.JobFinishedAsync(jobId, JobState.Succeeded);

        var wait = Assert.Single(metrics.Of("tenantportal.jobs.queue_wait", ("job.type", nameof(JobType.Create))));
        Assert.InRange(wait.Value, 0, 60);
        Assert.Single(metrics.Of("tenantportal.jobs.transitions", ("job.state", nameof(JobState.Running))));
        Assert.Single(metrics.Of("tenantportal.jobs.transitions", ("job.state", nameof(JobState.Succeeded))));
    }
}
