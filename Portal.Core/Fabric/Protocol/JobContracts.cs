using Portal.Core.Jobs;
using Portal.Core.Shielding.DataFiles;

namespace Portal.Core.Fabric.Protocol;

/// <summary>The fencing header every job call carries besides its body (GET calls have no body).</summary>
public static class FabricHeaders
{
    public const string FencingToken = "X-Fencing-Token";
}

/// <summary>A claim long-polls for up to <paramref name="WaitSeconds"/> (capped by the portal).</summary>
public sealed record ClaimJobRequest(int WaitSeconds);

/// <summary>
/// A job the host now holds under a lease. Every report must carry <paramref name="FencingToken"/> and arrive before the
/// lease expires (each report renews it); otherwise the portal refuses it with 409 and the host must drop the job.
/// </summary>
public sealed record JobAssignment(
    Guid JobId,
    JobType Type,
    long FencingToken,
    DateTimeOffset LeaseExpiresAt,
    TimeSpan LeaseDuration,
    int Attempt,
    IReadOnlyList<JobStepKind> Steps,
    VmSpec Vm);

/// <summary>
/// What the host needs to know about the VM: never a secret. A shielded VM's shielding data is fetched separately,
/// under the lease, and opened only after HGS releases its key to this host.
/// </summary>
public sealed record VmSpec(
    Guid Id,
    string Name,
    HostResources Size,
    bool Shielded,
    ShieldingPolicy? Policy,
    TemplateDiskSpec? TemplateDisk,
    byte[]? KeyProtector,
    bool HasShieldingData);

/// <summary>The template disk to build from: its library hash and size, and the signed catalog when it has one.</summary>
public sealed record TemplateDiskSpec(string Sha384, long SizeBytes, byte[]? CatalogFile);

public sealed record StepReport(long FencingToken, JobStepKind Step, JobStepState State, string? Message);

public sealed record LeaseRenewalRequest(long FencingToken);

public sealed record LeaseRenewal(DateTimeOffset LeaseExpiresAt);

/// <summary>The key protector the host made for a new shielded VM (format TPKP; public-key wrapped only).</summary>
public sealed record KeyProtectorReport(long FencingToken, byte[] KeyProtector);

/// <summary>
/// The end of a job as the host saw it. A failure names its step and says why in words; <paramref name="Retryable"/>
/// lets the portal run it again (e.g. a transient HGS outage) while attempts remain.
/// </summary>
public sealed record JobCompletion(long FencingToken, bool Succeeded, JobError? Error, bool Retryable);
