namespace Portal.Core.Fabric.Placement;

/// <summary>Where a job goes: a host, or — when none fits — why, in words a tenant may read (no host names).</summary>
public sealed record PlacementDecision(HostCandidate? Host, string? WaitingReason)
{
    public static PlacementDecision On(HostCandidate host) => new(host, null);

    public static PlacementDecision Wait(string reason) => new(null, reason);
}
