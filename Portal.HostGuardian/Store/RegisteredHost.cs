using Portal.Core.Attestation;

namespace Portal.HostGuardian.Store;

/// <summary>A host HGS knows, in exactly one attestation mode, identified by that mode's key or group.</summary>
public sealed class RegisteredHost
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public AttestationMode Mode { get; set; }

    /// <summary>TPM-trusted: the endorsement key's TPM2B_PUBLIC and its thumbprint (SHA-256 of its DER SPKI; unique).</summary>
    public byte[]? EndorsementKey { get; set; }

    public string? EndorsementKeyThumbprint { get; set; }

    /// <summary>TPM-trusted: the EK certificate (DER) the TPM's manufacturer issued, when the host has one.</summary>
    public byte[]? EndorsementKeyCertificate { get; set; }

    /// <summary>Host key mode: DER SPKI of the host key and its thumbprint (unique).</summary>
    public byte[]? HostKey { get; set; }

    public string? HostKeyThumbprint { get; set; }

    /// <summary>Admin-trusted: the host group the host belongs to.</summary>
    public string? Group { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }
}
