using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.Testing;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Jobs;

public sealed class JobFencingTests : IAsyncLifetime
{
    private readonly JobsApp _app = new(lease: TimeSpan.FromSeconds(3));

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task LeaseExpires_ReaperRequeuesAndJobIsPlacedAgain_OldHostsLateReportIs409_JobFinishesOnce()
    {
        var tenant = await _app.TenantAsync();
        var first = await _app.AgentAsync();
        var (vm, jobId) = await tenant.CreatedVmAsync();
        var lost = await first.ClaimJobAsync();
        await TestJobAgent.AssertOkAsync(await first.ReportStepAsync(jobId, lost.FencingToken, lost.Steps[0], JobStepState.Running));

        // No renewal: the reaper takes the job back and, with no backoff, placement gives it out again (this host or another).
        var second = await _app.AgentAsync();
        (TestJobAgent Holder, JobAssignment Job)? retried = null;
        await Eventually.Async(async () =>
        {
            if (await first.TryClaimAsync(0) is { } a)
            {
                retried = (first, a);
            }
            else if (await second.TryClaimAsync(0) is { } b)
            {
                retried = (second, b);
            }

            return retried is not null;
        }, TimeSpan.FromSeconds(20), "the job to be claimed again");
        var (holder, again) = retried!.Value;
        Assert.Equal((jobId, 2), (again.JobId, again.Attempt));
        Assert.True(again.FencingToken > lost.FencingToken);

        var late = await first.ReportStepAsync(jobId, lost.FencingToken, lost.Steps[0], JobStepState.Succeeded);
        await late.AssertProblemAsync(HttpStatusCode.Conflict);
        await (await first.CompleteAsync(jobId, lost.FencingToken)).AssertProblemAsync(HttpStatusCode.Conflict);

        await holder.RunToSuccessAsync(again);
        await (await holder.CompleteAsync(jobId, again.FencingToken)).AssertProblemAsync(HttpStatusCode.Conflict);

        var done = await tenant.JobAsync(jobId);
        Assert.Equal((JobState.Succeeded, 2), (done.State, done.Attempt));
        Assert.Equal(VmState.Running, (await tenant.VmAsync(vm.Id)).State);
        var audit = await _app.Fabric.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => a.Target.Contains(jobId.ToString())).Select(a => a.Action).ToListAsync());
        Assert.Single(audit, a => a == "job.succeeded");
        Assert.Contains("job.lease-expired", audit);
    }

    [Fact]
    public async Task RenewLease_KeepsTheJobPastItsFirstLease()
    {
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (_, jobId) = await tenant.CreatedVmAsync();
        var job = await agent.ClaimJobAsync();
        var until = job.LeaseExpiresAt + _app.Lease;

        while (DateTimeOffset.UtcNow < until)
        {
            var renewed = await agent.RenewLeaseAsync(jobId, job.FencingToken);
            await TestJobAgent.AssertOkAsync(renewed);
            await Task.Delay(TimeSpan.FromMilliseconds(400));
        }

        var still = await tenant.JobAsync(jobId);
        Assert.Equal((JobState.Running, 1), (still.State, still.Attempt));
        await agent.RunToSuccessAsync(job);
        Assert.Equal(JobState.Succeeded, (await tenant.JobAsync(jobId)).State);
    }
}

/// <summary>The agent job API's fences that need no lease to run out: stale numbers, racing claims, other hosts, no credential.</summary>
public sealed class AgentJobFenceTests : IAsyncLifetime
{
    private readonly JobsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task ReportStep_StaleFencingNumber_Returns409AndChangesNothing()
    {
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (_, jobId) = await tenant.CreatedVmAsync();
        var job = await agent.ClaimJobAsync();
        var before = await _app.Fabric.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));

        var stale = await agent.ReportStepAsync(jobId, job.FencingToken - 1, job.Steps[0], JobStepState.Running, "late");
        var future = await agent.ReportStepAsync(jobId, job.FencingToken + 1, job.Steps[0], JobStepState.Running, "forged");
        var staleRenew = await agent.RenewLeaseAsync(jobId, job.FencingToken - 1);
        var staleComplete = await agent.CompleteAsync(jobId, job.FencingToken - 1);

        foreach (var response in new[] { stale, future, staleRenew, staleComplete })
        {
            await response.AssertProblemAsync(HttpStatusCode.Conflict);
        }

        var after = await _app.Fabric.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));
        Assert.Equal((JobState.Running, before.FencingToken, before.LeaseExpiresAt), (after.State, after.FencingToken, after.LeaseExpiresAt));
        Assert.All(after.Steps, s => Assert.Equal(JobStepState.Pending, s.State));
        Assert.Equal(VmState.Provisioning, (await tenant.VmAsync(job.Vm.Id)).State);
    }

    [Fact]
    public async Task ClaimJob_TwoConcurrentClaimsForOneHost_ExactlyOneGetsIt()
    {
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (_, jobId) = await tenant.CreatedVmAsync();
        await tenant.JobWhenAsync(jobId, j => j.State == JobState.Placing, "to be placed");

        var answers = await Task.WhenAll(agent.ClaimAsync(1), agent.ClaimAsync(1));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.NoContent);
        var job = await _app.Fabric.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));
        Assert.Equal((JobState.Running, 1, 1L), (job.State, job.Attempt, job.FencingToken));
    }

    [Fact]
    public async Task AgentOfAnotherHost_ReportingOrFetchingOnTheJob_Returns409()
    {
        var tenant = await _app.TenantAsync();
        var owner = await _app.AgentAsync();
        var other = await TestJobAgent.JoinAsync(_app.Fabric, _app.Admin, healthy: false);
        var (_, jobId) = await tenant.CreatedVmAsync();
        var job = await owner.ClaimJobAsync();

        await (await other.ReportStepAsync(jobId, job.FencingToken, job.Steps[0], JobStepState.Running)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await other.RenewLeaseAsync(jobId, job.FencingToken)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await other.CompleteAsync(jobId, job.FencingToken)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Null(await other.TryClaimAsync(0));

        Assert.All((await tenant.JobAsync(jobId)).Steps, s => Assert.Equal(JobStepState.Pending, s.State));
        await owner.RunToSuccessAsync(job);
    }

    [Fact]
    public async Task AgentCalls_WithoutOrWithAForgedCredential_Return401()
    {
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (_, jobId) = await tenant.CreatedVmAsync();
        var job = await agent.ClaimJobAsync();
        var anonymous = TestAgent.Named(_app.Fabric);
        var forged = TestAgent.Named(_app.Fabric);
        forged.UseCredential("tphc_" + new string('x', 43));

        foreach (var client in new[] { anonymous.Client, forged.Client })
        {
            (await client.PostAsJsonAsync(FabricRoutes.ClaimJob, new ClaimJobRequest(0))).StatusCode.AssertUnauthorized();
            (await client.PostAsJsonAsync(FabricRoutes.Job(jobId, "steps"),
                new StepReport(job.FencingToken, job.Steps[0], JobStepState.Running, null))).StatusCode.AssertUnauthorized();
            (await client.PostAsJsonAsync(FabricRoutes.Job(jobId, "complete"),
                new JobCompletion(job.FencingToken, true, null, false))).StatusCode.AssertUnauthorized();
        }

        Assert.Equal(JobState.Running, (await tenant.JobAsync(jobId)).State);
    }
}

internal static class StatusAssertions
{
    public static void AssertUnauthorized(this HttpStatusCode status) => Assert.Equal(HttpStatusCode.Unauthorized, status);
}
