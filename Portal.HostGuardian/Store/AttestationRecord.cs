using Portal.Core.Attestation;

namespace Portal.HostGuardian.Store;

/// <summary>One attestation and its verdict, kept as history; the latest per host decides key release.</summary>
public sealed class AttestationRecord
{
    public long Id { get; set; }

    /// <summary>Null when the host could not be identified.</summary>
    public Guid? HostId { get; set; }

    public required string HostName { get; set; }

    public AttestationMode Mode { get; set; }

    public AttestationStatus Status { get; set; }

    public AttestationSubStatus SubStatus { get; set; }

    public required string Reason { get; set; }

    public Guid? CertificateSerial { get; set; }

    public DateTimeOffset? CertificateExpiresAt { get; set; }

    public string? TransportKeyThumbprint { get; set; }

    public string? RemoteAddress { get; set; }

    public DateTimeOffset At { get; set; }
}
