namespace Portal.HostGuardian.Store;

/// <summary>An allowed PCR composite digest (upper-case hex) of a measured boot.</summary>
public sealed class TpmBaseline
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string PcrDigest { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
