namespace Portal.HostGuardian.Store;

/// <summary>A health certificate HGS no longer honours, by serial.</summary>
public sealed class RevokedCertificate
{
    public Guid Serial { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset RevokedAt { get; set; }
}
