using Portal.Core.Jobs;

namespace Portal.Web.Features.Jobs;

/// <summary>Small read-only views of a job for lists.</summary>
public static class JobViews
{
    public static bool IsFinished(this JobState state) => state switch
    {
        JobState.Queued or JobState.Placing or JobState.Running => false,
        JobState.Succeeded or JobState.Failed or JobState.Cancelled => true,
    };

    /// <summary>The short form a list row shows, as <see cref="JobMapping.ToSummary"/> gives it for a VM's active job.</summary>
    public static JobSummaryDto ToSummary(this JobDto job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobSummaryDto(job.Id, job.Type, job.State, job.Progress,
            job.Steps.FirstOrDefault(s => s.State == JobStepState.Running)?.Title, job.WaitingReason);
    }
}
