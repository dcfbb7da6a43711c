namespace Portal.Core.Jobs;

/// <summary>Why a job failed: the step it failed in (if any), a stable code and a message in words.</summary>
public sealed record JobError(JobStepKind? Step, string Code, string Message)
{
    public const int CodeMaxLength = 64;

    public static JobError Of(JobStepKind? step, string code, string message) => new(
        step,
        string.IsNullOrWhiteSpace(code) ? "Failed" : code.Trim()[..Math.Min(code.Trim().Length, CodeMaxLength)],
        JobStep.Trim(message) ?? "The job failed without saying why.");
}
