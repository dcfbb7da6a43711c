namespace Portal.HostGuardian.Store;

/// <summary>A credential HGS made for a host's AK and EK, waiting for the secret only that TPM can recover. Single use.</summary>
public sealed class PendingActivation
{
    public Guid Id { get; set; }

    public Guid HostId { get; set; }

    public required string AttestationKeyName { get; set; }

    public required byte[] AttestationKey { get; set; }

    /// <summary>SHA-256 of the secret; the secret itself is not kept.</summary>
    public required byte[] SecretHash { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
