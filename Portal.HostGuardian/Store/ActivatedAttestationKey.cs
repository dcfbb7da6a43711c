namespace Portal.HostGuardian.Store;

/// <summary>An attestation key proven, by credential activation, to live in the TPM of a registered host's endorsement key.</summary>
public sealed class ActivatedAttestationKey
{
    /// <summary>The AK's TPM name (nameAlg ‖ digest of its public area), upper-case hex.</summary>
    public required string Name { get; set; }

    public Guid HostId { get; set; }

    /// <summary>The AK's TPM2B_PUBLIC.</summary>
    public required byte[] PublicArea { get; set; }

    public DateTimeOffset ActivatedAt { get; set; }
}
