using Portal.Core.Jobs;

namespace Portal.Web.Features.Jobs;

public sealed record JobStepDto(
    JobStepKind Kind, string Title, JobStepState State, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Message);

public sealed record JobErrorDto(JobStepKind? Step, string? StepTitle, string Code, string Message);

/// <summary>A job as its tenant sees it: no host, no one else's names.</summary>
public sealed record JobDto(
    Guid Id,
    Guid VmId,
    string VmName,
    JobType Type,
    JobState State,
    int Progress,
    int Attempt,
    int MaxAttempts,
    IReadOnlyList<JobStepDto> Steps,
    string? WaitingReason,
    JobErrorDto? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

/// <summary>A job as the provider sees it: with its tenant and host.</summary>
public sealed record AdminJobDto(
    JobDto Job,
    Guid TenantId,
    string TenantName,
    Guid? HostId,
    string? HostName,
    string RequestedBy);

/// <summary>The one unfinished job of a VM, in short, for lists.</summary>
public sealed record JobSummaryDto(Guid Id, JobType Type, JobState State, int Progress, string? CurrentStep, string? WaitingReason);

public static class JobMapping
{
    public static JobDto ToDto(this Job job, string vmName) => new(
        job.Id, job.VmId, vmName, job.Type, job.State, job.Progress, job.Attempt, job.MaxAttempts,
        [.. job.Steps.Select(s => new JobStepDto(s.Kind, s.Title, s.State, s.StartedAt, s.FinishedAt, s.Message))],
        job.WaitingReason,
        job.Error is { } e ? new JobErrorDto(e.Step, e.Step?.Title(), e.Code, e.Message) : null,
        job.CreatedAt, job.StartedAt, job.FinishedAt);

    public static JobSummaryDto ToSummary(this Job job) => new(
        job.Id, job.Type, job.State, job.Progress,
        job.Steps.FirstOrDefault(s => s.State == JobStepState.Running)?.Title, job.WaitingReason);
}
