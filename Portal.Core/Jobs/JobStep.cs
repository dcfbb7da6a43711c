namespace Portal.Core.Jobs;

/// <summary>One step of a job as the host reported it. The message is for people and never holds a secret.</summary>
public sealed class JobStep
{
    public const int MessageMaxLength = 500;

    private JobStep()
    {
    }

    /// <summary>Its place in the job, from 0.</summary>
    public int Order { get; private set; }

    public JobStepKind Kind { get; private set; }

    public JobStepState State { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public string? Message { get; private set; }

    public string Title => Kind.Title();

    public bool IsDone => State is JobStepState.Succeeded or JobStepState.Skipped;

    internal static JobStep Pending(JobStepKind kind, int order) => new() { Kind = kind, Order = order, State = JobStepState.Pending };

    internal void Move(JobStepState state, string? message, DateTimeOffset now)
    {
        if (state == JobStepState.Running)
        {
            StartedAt ??= now;
            FinishedAt = null;
        }
        else if (state != JobStepState.Pending)
        {
            StartedAt ??= now;
            FinishedAt = now;
        }

        State = state;
        Message = Trim(message);
    }

    internal void Reset()
    {
        State = JobStepState.Pending;
        StartedAt = null;
        FinishedAt = null;
        Message = null;
    }

    internal static string? Trim(string? message)
    {
        var text = message?.ReplaceLineEndings(" ").Trim();
        return string.IsNullOrEmpty(text) ? null : text.Length > MessageMaxLength ? text[..MessageMaxLength] : text;
    }
}
