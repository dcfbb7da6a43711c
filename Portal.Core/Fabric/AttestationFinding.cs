using Portal.Core.Attestation;

namespace Portal.Core.Fabric;

/// <summary>
/// What the portal concluded about a host's attestation from its heartbeat: the status to record, why, and the
/// verified health certificate's expiry (only for <see cref="AttestationStatus.Passed"/>).
/// </summary>
public sealed record AttestationFinding(
    AttestationStatus Status, AttestationSubStatus SubStatus, string Reason, DateTimeOffset? CertificateExpiresAt = null);
