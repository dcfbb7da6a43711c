namespace Portal.HostAgent.Jobs;

/// <summary>Stands in until a template disk library is registered: every create job fails at its first step, saying why.</summary>
internal sealed class UnconfiguredTemplateDiskSource : ITemplateDiskSource
{
    public Task<string> GetVerifiedDiskAsync(string sha384, long sizeBytes, CancellationToken ct) =>
        throw new JobStepFailedException("NoTemplateLibrary", "No template disk library is configured on this host.", retryable: false);
}
