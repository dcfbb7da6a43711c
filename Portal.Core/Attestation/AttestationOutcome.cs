namespace Portal.Core.Attestation;

/// <summary>
/// What one attestation concluded: the status and sub-status, a one-line reason a person can act on, and on
/// <see cref="AttestationStatus.Passed"/> the signed health certificate (see <see cref="Attestation.HealthCertificate"/>)
/// and its expiry. Shared by HGS (its answer), the host agent (its current health) and the portal (what it shows).
/// </summary>
/// <param name="Status">The verdict.</param>
/// <param name="SubStatus">Which configuration checks failed; <see cref="AttestationSubStatus.None"/> on a pass.</param>
/// <param name="Reason">Human-readable explanation; never contains key material.</param>
/// <param name="HealthCertificate">The encoded, signed health certificate; only on a pass.</param>
/// <param name="ValidUntil">When the health certificate expires; only on a pass.</param>
public sealed record AttestationOutcome(
    AttestationStatus Status,
    AttestationSubStatus SubStatus,
    string Reason,
    byte[]? HealthCertificate = null,
    DateTimeOffset? ValidUntil = null)
{
    /// <summary>True when this outcome passed and its certificate is still valid at <paramref name="now"/>.</summary>
    public bool IsHealthyAt(DateTimeOffset now) =>
        Status == AttestationStatus.Passed && HealthCertificate is not null && ValidUntil is { } until && now < until;

    /// <summary>A failed (or not yet possible) attestation; carries no certificate.</summary>
    public static AttestationOutcome Failed(AttestationStatus status, AttestationSubStatus subStatus, string reason) =>
        status == AttestationStatus.Passed
            ? throw new ArgumentException("A passed attestation carries a health certificate.", nameof(status))
            : new AttestationOutcome(status, subStatus, reason);
}
