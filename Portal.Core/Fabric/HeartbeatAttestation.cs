using Portal.Core.Attestation;
using Portal.Core.Fabric.Protocol;

namespace Portal.Core.Fabric;

/// <summary>
/// Turns what a host says about its attestation into what the portal records. A failure is recorded as reported,
/// with its reason; a Passed is believed only when the health certificate verifies against HGS's attestation signer
/// and is bound to this host (its pinned transport key and its name). Everything else fails closed.
/// </summary>
public static class HeartbeatAttestation
{
    public static AttestationFinding Evaluate(
        GuardedHost host, AttestationReport? report, bool transportKeyMatches, ReadOnlySpan<byte> signerSpki, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (report is null)
        {
            return new(AttestationStatus.NotConfigured, AttestationSubStatus.None, "The host agent reports no attestation.");
        }

        if (report.Status != AttestationStatus.Passed)
        {
            var reason = string.IsNullOrWhiteSpace(report.Reason) ? $"The host reports {report.Status}." : report.Reason.Trim();
            return new(report.Status, report.SubStatus, reason);
        }

        if (report.HealthCertificate is not { Length: > 0 } bytes)
        {
            return Refused(AttestationStatus.TpmError, "the host reported Passed without a health certificate.");
        }

        if (signerSpki.IsEmpty)
        {
            return new(AttestationStatus.TransientError, AttestationSubStatus.None,
                "The host reports Passed, but the portal cannot verify its health certificate: HGS's attestation signer is unavailable.");
        }

        HealthCertificate certificate;
        try
        {
            certificate = HealthCertificate.Verify(bytes, signerSpki, now);
        }
        catch (HealthCertificateException e)
        {
            return Refused(e.Error == HealthCertificateError.Expired ? AttestationStatus.Expired : AttestationStatus.TpmError,
                e.Message);
        }

        if (!transportKeyMatches || host.TransportKey is null
            || !string.Equals(Convert.ToBase64String(certificate.TransportKey.Span), host.TransportKey, StringComparison.Ordinal))
        {
            return Refused(AttestationStatus.UnauthorizedHost, "the health certificate is bound to another host's transport key.");
        }

        if (!string.Equals(certificate.HostName, host.Name, StringComparison.OrdinalIgnoreCase))
        {
            return Refused(AttestationStatus.UnauthorizedHost, $"the health certificate was issued to host '{certificate.HostName}'.");
        }

        return new(AttestationStatus.Passed, AttestationSubStatus.None,
            $"Passed ({certificate.Mode}); health certificate valid until {certificate.ExpiresAt:u}.", certificate.ExpiresAt);
    }

    private static AttestationFinding Refused(AttestationStatus status, string why) =>
        new(status, AttestationSubStatus.None, $"The host reports Passed, but the portal refused it: {why}");
}
