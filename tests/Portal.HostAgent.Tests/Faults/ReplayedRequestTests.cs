using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.HostAgent.Tests.Integration;
using Portal.Testing;

namespace Portal.HostAgent.Tests.Faults;

/// <summary>
/// An agent's requests sent twice or replayed late (a retry after a lost answer, a proxy replaying, a host from an
/// earlier attempt): each has its effect once. A repeat is answered as the first was, or refused with 409 and a reason.
/// The host here speaks the protocol by hand, so the test chooses exactly what is sent and when.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ReplayedRequestTests(FaultFabricFixture fabric)
{
    private static readonly IReadOnlyList<JobStepKind> CreateSteps = JobPlan.Steps(JobType.Create, shielded: false);

    [Fact]
    public async Task SameReportAndCompletionSentTwice_AndOldOnesReplayedAfterTheEnd_TakeEffectOnce()
    {
        await using var host = await FakeHost.JoinAsync(fabric, "host-replays", FaultFabricFixture.Roomy);
        try
        {
            var (vm, jobId) = await fabric.CreateVmAsync("replayed-reports", shielded: false);
            var job = await ClaimAsync(host, jobId);

            var first = CreateSteps[0];
            using (var once = await ReportAsync(host, job, first, JobStepState.Running, "started"))
            using (var twice = await ReportAsync(host, job, first, JobStepState.Running, "started"))
            {
                Assert.Equal(HttpStatusCode.OK, once.StatusCode);
                Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
            }

            Assert.Single((await fabric.JobAsync(jobId)).Steps, s => s.State == JobStepState.Running);
            foreach (var step in CreateSteps)
            {
                foreach (var state in new[] { JobStepState.Running, JobStepState.Succeeded, JobStepState.Succeeded })
                {
                    using var sent = await ReportAsync(host, job, step, state, $"{step} {state}");
                    Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
                }
            }

            // A report of the first step still in flight (or replayed) arrives after the step finished: history keeps what happened.
            using (var stale = await ReportAsync(host, job, first, JobStepState.Running, "started"))
            {
                Assert.True(stale.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)stale.StatusCode}");
            }

            var beforeEnd = await fabric.JobAsync(jobId);
            Assert.Equal(CreateSteps, beforeEnd.Steps.Select(s => s.Kind));
            Assert.All(beforeEnd.Steps, s => Assert.Equal(JobStepState.Succeeded, s.State));

            using (var completed = await CompleteAsync(host, job))
            {
                Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
            }

            var ended = await fabric.JobAsync(jobId);
            var vmAfter = await fabric.VmAsync(vm.Id);
            Assert.Equal(JobState.Succeeded, ended.State);
            Assert.Equal(VmState.Running, vmAfter.State);

            using (var again = await CompleteAsync(host, job))
            {
                await AssertRefusedAsync(again);
            }

            using (var failedLate = await host.Client.PostAsJsonAsync(FabricRoutes.Job(jobId, "complete"),
                new JobCompletion(job.FencingToken, false, JobError.Of(CreateSteps[^1], "Late", "a failure replayed after the end"), true), FabricFixture.Json))
            {
                await AssertRefusedAsync(failedLate);
            }

            using (var oldReport = await ReportAsync(host, job, CreateSteps[^1], JobStepState.Failed, "an old report replayed after the end"))
            {
                await AssertRefusedAsync(oldReport);
            }

            using (var renewal = await host.Client.PostAsJsonAsync(FabricRoutes.Job(jobId, "lease"), new LeaseRenewalRequest(job.FencingToken), FabricFixture.Json))
            {
                await AssertRefusedAsync(renewal);
            }

            Assert.Equal(Json(ended), Json(await fabric.JobAsync(jobId)));
            Assert.Equal(Json(vmAfter), Json(await fabric.VmAsync(vm.Id)));
            Assert.Equal(["job.succeeded"], await JobAuditAsync(jobId));
        }
        finally
        {
            await fabric.RemoveHostAsync(host.HostId);
        }
    }

    [Fact]
    public async Task ReplayedClaim_GetsNoJobAgain_AndTheRunningAttemptKeepsItsFencingNumber()
    {
        await using var host = await FakeHost.JoinAsync(fabric, "host-replays-claim", FaultFabricFixture.Roomy);
        try
        {
            var (_, jobId) = await fabric.CreateVmAsync("replayed-claim", shielded: false);
            var job = await ClaimAsync(host, jobId);

            using (var replayed = await host.ClaimAsync(waitSeconds: 0))
            {
                Assert.Equal(HttpStatusCode.NoContent, replayed.StatusCode);
            }

            var stored = await fabric.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId));
            Assert.Equal((1, job.FencingToken), (stored.Attempt, stored.FencingToken));
            using (var completed = await CompleteAsync(host, job))
            {
                Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
            }

            using (var afterEnd = await host.ClaimAsync(waitSeconds: 0))
            {
                Assert.Equal(HttpStatusCode.NoContent, afterEnd.StatusCode);
            }

            Assert.Equal(1, (await fabric.JobAsync(jobId)).Attempt);
            Assert.Equal(["job.succeeded"], await JobAuditAsync(jobId));
        }
        finally
        {
            await fabric.RemoveHostAsync(host.HostId);
        }
    }

    [Fact]
    public async Task ReportsReplayedFromAnEarlierAttempt_AreRefusedByFencing_AndChangeNothing()
    {
        await using var host = await FakeHost.JoinAsync(fabric, "host-replays-attempts", FaultFabricFixture.Roomy);
        try
        {
            var (vm, jobId) = await fabric.CreateVmAsync("replayed-attempt", shielded: false);
            var earlier = await ClaimAsync(host, jobId);
            using (var started = await ReportAsync(host, earlier, CreateSteps[0], JobStepState.Running, "first attempt"))
            {
                Assert.Equal(HttpStatusCode.OK, started.StatusCode);
            }

            // The first attempt goes silent; its lease expires and the job comes back to this (only) host.
            await fabric.WaitForJobAsync(jobId, j => j.State == JobState.Placing && j.Attempt == 1, FabricFixture.LeaseDuration * 4);
            var later = await ClaimAsync(host, jobId);
            Assert.Equal(2, later.Attempt);
            Assert.True(later.FencingToken > earlier.FencingToken);
            using (var current = await ReportAsync(host, later, CreateSteps[0], JobStepState.Running, "second attempt"))
            {
                Assert.Equal(HttpStatusCode.OK, current.StatusCode);
            }

            var during = await fabric.JobAsync(jobId);
            foreach (var step in CreateSteps)
            {
                using var replayed = await ReportAsync(host, earlier, step, JobStepState.Succeeded, "replayed from the first attempt");
                await AssertRefusedAsync(replayed, "stale");
            }

            using (var replayedEnd = await CompleteAsync(host, earlier))
            {
                await AssertRefusedAsync(replayedEnd, "stale");
            }

            using (var replayedRenewal = await host.Client.PostAsJsonAsync(FabricRoutes.Job(jobId, "lease"),
                new LeaseRenewalRequest(earlier.FencingToken), FabricFixture.Json))
            {
                await AssertRefusedAsync(replayedRenewal, "stale");
            }

            Assert.Equal(Json(during), Json(await fabric.JobAsync(jobId)));
            Assert.Equal(VmState.Provisioning, (await fabric.VmAsync(vm.Id)).State);
            Assert.Equal(["job.lease-expired"], await JobAuditAsync(jobId));

            foreach (var step in CreateSteps)
            {
                using var reported = await ReportAsync(host, later, step, JobStepState.Succeeded, "second attempt");
                Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
            }

            using (var completed = await CompleteAsync(host, later))
            {
                Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
            }

            var ended = await fabric.JobAsync(jobId);
            Assert.Equal(JobState.Succeeded, ended.State);
            Assert.All(ended.Steps, s => Assert.Equal("second attempt", s.Message));
            Assert.Equal(VmState.Running, (await fabric.VmAsync(vm.Id)).State);
            Assert.Equal(["job.lease-expired", "job.succeeded"], await JobAuditAsync(jobId));
        }
        finally
        {
            await fabric.RemoveHostAsync(host.HostId);
        }
    }

    /// <summary>Claims until this job comes; a job an earlier test left behind is failed for good on the way.</summary>
    private async Task<JobAssignment> ClaimAsync(FakeHost host, Guid jobId)
    {
        var assignment = await Eventually.ValueAsync(async () =>
        {
            using var claim = await host.ClaimAsync(waitSeconds: 2);
            var claimed = claim.StatusCode == HttpStatusCode.OK ? await claim.Content.ReadFromJsonAsync<JobAssignment>(FabricFixture.Json) : null;
            if (claimed is not null && claimed.JobId != jobId)
            {
                using var _ = await host.Client.PostAsJsonAsync(FabricRoutes.Job(claimed.JobId, "complete"), new JobCompletion(claimed.FencingToken, false,
                    JobError.Of(null, "TestHost", "A job left by an earlier test; the test host builds nothing."), false), FabricFixture.Json);
            }

            return claimed;
        }, a => a?.JobId == jobId, $"a claim of job {jobId}", FabricFixture.Deadline);
        return assignment!;
    }

    private static Task<HttpResponseMessage> ReportAsync(FakeHost host, JobAssignment job, JobStepKind step, JobStepState state, string message) =>
        host.Client.PostAsJsonAsync(FabricRoutes.Job(job.JobId, "steps"), new StepReport(job.FencingToken, step, state, message), FabricFixture.Json);

    private static Task<HttpResponseMessage> CompleteAsync(FakeHost host, JobAssignment job) =>
        host.Client.PostAsJsonAsync(FabricRoutes.Job(job.JobId, "complete"), new JobCompletion(job.FencingToken, true, null, false), FabricFixture.Json);

    /// <summary>A 409 whose problem says why in words (and names <paramref name="reason"/> when given).</summary>
    private static async Task AssertRefusedAsync(HttpResponseMessage response, string? reason = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"Expected 409, got {(int)response.StatusCode}: {body}");
        var problem = JsonSerializer.Deserialize<ProblemDetails>(body, FabricFixture.Json)!;
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail), body);
        if (reason is not null)
        {
            Assert.Contains(reason, problem.Detail, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>What the audit trail records of this job's ends (lease lost, succeeded, failed), oldest first.</summary>
    private Task<List<string>> JobAuditAsync(Guid jobId) => fabric.WithDbAsync(db => db.AuditEntries
        .Where(a => a.Action.StartsWith("job.") && a.Target.StartsWith($"job:{jobId}")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, FabricFixture.Json);
}
