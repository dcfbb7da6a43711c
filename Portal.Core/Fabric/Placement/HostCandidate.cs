using Portal.Core.Attestation;

namespace Portal.Core.Fabric.Placement;

/// <summary>
/// A host as placement sees it at one moment: its state and health, what it offers, and what is already committed on it
/// — the VMs placed there, built or not, so jobs placed but not yet reported by the host count too — and how many jobs
/// it has yet to finish.
/// </summary>
public sealed record HostCandidate(
    Guid Id,
    string Name,
    HostState State,
    bool Responsive,
    bool HealthyForShieldedVms,
    AttestationStatus Attestation,
    AttestationSubStatus SubStatus,
    HostResources Capacity,
    HostResources Committed)
{
    /// <summary>
    /// Committed is the larger, per dimension, of what the portal placed there and what the host last reported in use
    /// (a VM the portal no longer counts still takes room until the host lets go of it).
    /// </summary>
    public static HostCandidate From(GuardedHost host, HostResources placed, DateTimeOffset now, TimeSpan staleAfter)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(placed);
        var committed = new HostResources(
            Math.Max(placed.Vcpus, host.Used.Vcpus),
            Math.Max(placed.MemoryGiB, host.Used.MemoryGiB),
            Math.Max(placed.StorageGiB, host.Used.StorageGiB));
        return new HostCandidate(
            host.Id, host.Name, host.State, !host.IsHeartbeatStale(now, staleAfter), host.IsHealthyForShieldedVms(now, staleAfter),
            host.EffectiveAttestationStatus(now), host.AttestationSubStatus, host.Capacity, committed);
    }

    /// <summary>Jobs placed on the host or running there: a new one would wait behind them.</summary>
    public int JobsInFlight { get; init; }

    public HostResources Free => new(
        Math.Max(0, Capacity.Vcpus - Committed.Vcpus),
        Math.Max(0, Capacity.MemoryGiB - Committed.MemoryGiB),
        Math.Max(0, Capacity.StorageGiB - Committed.StorageGiB));
}
