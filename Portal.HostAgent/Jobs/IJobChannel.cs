using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// The agent's side of the portal's job API. Every call about a job carries the job's fencing number; when the portal
/// answers that the host no longer holds the job (409) the call throws <see cref="LeaseLostException"/>, and a removed
/// host (401) gets <see cref="Fabric.FabricRefusedException"/>. Transport failures surface as <see cref="HttpRequestException"/>.
/// </summary>
public interface IJobChannel
{
    /// <summary>Long-polls for the next job placed on this host; null when none arrived within <paramref name="wait"/>.</summary>
    Task<JobAssignment?> ClaimAsync(TimeSpan wait, CancellationToken ct);

    Task<LeaseRenewal> ReportStepAsync(Guid jobId, StepReport report, CancellationToken ct);

    Task<LeaseRenewal> RenewLeaseAsync(Guid jobId, long fencingToken, CancellationToken ct);

    Task ReportKeyProtectorAsync(Guid jobId, KeyProtectorReport report, CancellationToken ct);

    /// <summary>The tenant's sealed shielding data file (<c>.pdk</c>) exactly as uploaded.</summary>
    Task<byte[]> GetShieldingDataAsync(Guid jobId, long fencingToken, CancellationToken ct);

    Task CompleteAsync(Guid jobId, JobCompletion completion, CancellationToken ct);
}
