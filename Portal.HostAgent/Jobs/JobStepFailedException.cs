namespace Portal.HostAgent.Jobs;

/// <summary>A step refused to go on for a reason it can name (the disk does not match, the host is not healthy, …).</summary>
public sealed class JobStepFailedException(string code, string message, bool retryable) : Exception(message)
{
    /// <summary>A stable reason, e.g. <c>TemplateDiskMismatch</c>.</summary>
    public string Code { get; } = code;

    /// <summary>True when running the job again (later, or on another host) may succeed.</summary>
    public bool Retryable { get; } = retryable;
}
