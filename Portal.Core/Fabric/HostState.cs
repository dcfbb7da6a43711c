namespace Portal.Core.Fabric;

/// <summary>Where a guarded host stands in the fabric, as the provider sees it.</summary>
public enum HostState
{
    /// <summary>Joined with a token; its first heartbeat has not arrived yet.</summary>
    Pending,

    /// <summary>Heartbeats arrive; new work may be placed on it.</summary>
    Active,

    /// <summary>Keeps running what it has; no new work is placed on it.</summary>
    Draining,

    /// <summary>Taken out of service by the provider; nothing is placed on it.</summary>
    Maintenance,

    /// <summary>Gone for good: its credential no longer works.</summary>
    Removed,
}
