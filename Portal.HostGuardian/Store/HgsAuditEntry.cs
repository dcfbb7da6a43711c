namespace Portal.HostGuardian.Store;

/// <summary>Append-only record of every attestation, key release and admin change in HGS's trust domain.</summary>
public sealed class HgsAuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>"admin", "host:{name}" or "anonymous".</summary>
    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string Subject { get; set; }

    /// <summary>"Succeeded", or the refusal / status.</summary>
    public required string Outcome { get; set; }

    public string? Detail { get; set; }
}
