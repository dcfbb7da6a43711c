using System.Net;
using Portal.Core.Attestation;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.Shielding;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Hypervisor;

namespace Portal.HostAgent.Jobs;

public enum JobRunOutcome
{
    Succeeded,
    Failed,

    /// <summary>The portal took the job away (lease expired or fencing number stale); nothing more was reported.</summary>
    LeaseLost,
}

/// <summary>
/// Runs one claimed job: its steps in order, each reported Running and then Succeeded, Skipped or Failed with a message
/// in words, while the lease is renewed in the background; then the completion. Once the portal says the host lost the
/// job, the run stops at once and reports nothing more. A removed host (401) surfaces as <see cref="FabricRefusedException"/>.
/// </summary>
public sealed class JobExecutor(
    IJobChannel portal,
    JobSteps steps,
    IHypervisorDriver hypervisor,
    TimeProvider time,
    ILogger<JobExecutor> logger)
{
    public async Task<JobRunOutcome> RunAsync(JobAssignment job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        logger.LogInformation("Job {JobId}: {JobType} of VM {VmId}, attempt {Attempt}", job.JobId, job.Type, job.Vm.Id, job.Attempt);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lease = LeaseKeeper.Start(portal, job, time, logger, running);
        try
        {
            return await RunStepsAsync(job, running.Token);
        }
        catch (LeaseLostException e)
        {
            return Lost(job, e.Message);
        }
        catch (Exception) when (lease.LostBecause is { } lost && !ct.IsCancellationRequested)
        {
            return lost is FabricRefusedException { Status: HttpStatusCode.Unauthorized } removed ? throw removed : Lost(job, lost.Message);
        }
        finally
        {
            await lease.DisposeAsync();
        }
    }

    private async Task<JobRunOutcome> RunStepsAsync(JobAssignment job, CancellationToken ct)
    {
        var expected = JobPlan.Steps(job.Type, job.Vm.Shielded);
        if (!expected.SequenceEqual(job.Steps))
        {
            var error = JobError.Of(null, "UnknownPlan",
                $"The portal listed steps ({string.Join(", ", job.Steps)}) this agent does not run for a {job.Type} job.");
            await CompleteAsync(job, new JobCompletion(job.FencingToken, false, error, Retryable: false), ct);
            return JobRunOutcome.Failed;
        }

        using var run = new JobRun(job, hypervisor.Find(job.Vm.Id));
        foreach (var step in job.Steps)
        {
            await ReportAsync(job, step, JobStepState.Running, null, ct);
            StepResult result;
            var progress = new StepProgress(portal, job, step, logger);
            run.Progress = progress;
            try
            {
                result = await steps.RunAsync(step, run, ct);
            }
            catch (Exception e) when (IsStepFailure(e, ct))
            {
                await progress.DisposeAsync();
                var (error, retryable) = Describe(job, step, e);
                await ReportAsync(job, step, JobStepState.Failed, error.Message, ct);
                await CompleteAsync(job, new JobCompletion(job.FencingToken, false, error, retryable), ct);
                return JobRunOutcome.Failed;
            }

            await progress.DisposeAsync();
            await ReportAsync(job, step, result.Skipped ? JobStepState.Skipped : JobStepState.Succeeded, result.Message, ct);
        }

        await CompleteAsync(job, new JobCompletion(job.FencingToken, true, null, Retryable: false), ct);
        logger.LogInformation("Job {JobId}: {JobType} of VM {VmId} succeeded", job.JobId, job.Type, job.Vm.Id);
        return JobRunOutcome.Succeeded;
    }

    /// <summary>Lost leases, a removed host and cancellation end the run; anything else fails the step.</summary>
    private static bool IsStepFailure(Exception e, CancellationToken ct) =>
        !ct.IsCancellationRequested && e is not (LeaseLostException or FabricRefusedException { Status: HttpStatusCode.Unauthorized });

    private (JobError Error, bool Retryable) Describe(JobAssignment job, JobStepKind step, Exception e)
    {
        var (code, message, retryable) = e switch
        {
            JobStepFailedException f => (f.Code, f.Message, f.Retryable),
            KeyReleaseRefusedException r => (r.Refusal.ToString(), r.Message, r.Refusal == KeyReleaseRefusal.Unavailable),
            HypervisorException h => (h.Error.ToString(), h.Message, h.Error == HypervisorError.CapacityExceeded),
            ShieldingFormatException s => (s.Error.ToString(), s.Message, false),
            Library.TemplateDiskException d => ("TemplateDiskUnavailable", d.Message, true),
            FabricRefusedException p => ("PortalRefused", $"The portal refused a request of this step ({(int)p.Status}): {p.Detail}", false),
            HttpRequestException => ("PortalUnreachable", "The portal could not be reached during this step.", true),
            _ => ("AgentError", $"The host agent failed unexpectedly ({e.GetType().Name}); its log has the details.", true),
        };

        if (code == "AgentError")
        {
            logger.LogError(e, "Job {JobId}: step {Step} failed unexpectedly", job.JobId, step);
        }
        else
        {
            logger.LogWarning("Job {JobId}: step {Step} failed ({Code}): {Message}", job.JobId, step, code, message);
        }

        return (JobError.Of(step, code, message), retryable);
    }

    private Task ReportAsync(JobAssignment job, JobStepKind step, JobStepState state, string? message, CancellationToken ct) =>
        WithRetriesAsync(() => portal.ReportStepAsync(job.JobId, new StepReport(job.FencingToken, step, state, message), ct), ct);

    private Task CompleteAsync(JobAssignment job, JobCompletion completion, CancellationToken ct) =>
        WithRetriesAsync(async () =>
        {
            await portal.CompleteAsync(job.JobId, completion, ct);
            return true;
        }, ct);

    /// <summary>
    /// A report lost in transport or left unanswered is sent again a few times (the portal takes a repeat as the same
    /// report); the lease gives it time.
    /// </summary>
    private async Task WithRetriesAsync<T>(Func<Task<T>> send, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await send();
                return;
            }
            catch (Exception e) when (attempt < 3 && TransientFailure.Is(e, ct))
            {
                logger.LogWarning("A job report did not reach the portal ({Error}); sending it again", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(attempt), time, ct);
            }
        }
    }

    private JobRunOutcome Lost(JobAssignment job, string reason)
    {
        logger.LogWarning("Job {JobId}: this host no longer holds the job ({Reason}); it stops working on it", job.JobId, reason);
        return JobRunOutcome.LeaseLost;
    }
}
