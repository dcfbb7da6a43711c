namespace Portal.HostGuardian.Store;

/// <summary>An allowed code-integrity policy, by the SHA-256 (upper-case hex) of its bytes.</summary>
public sealed class CodeIntegrityPolicy
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
