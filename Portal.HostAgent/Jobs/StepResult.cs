namespace Portal.HostAgent.Jobs;

/// <summary>How a step ended when it did not fail: done, or not needed (an idempotent replay), with a message in words.</summary>
public sealed record StepResult(bool Skipped, string Message)
{
    public static StepResult Done(string message) => new(false, message);

    public static StepResult Skip(string message) => new(true, message);
}
