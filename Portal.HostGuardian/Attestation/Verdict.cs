using Portal.Core.Attestation;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Attestation;

/// <summary>What one mode's checks concluded, before HGS records it and (on a pass) issues a certificate.</summary>
internal sealed record Verdict(AttestationStatus Status, AttestationSubStatus SubStatus, string Reason, RegisteredHost? Host)
{
    public static Verdict Pass(RegisteredHost host) => new(AttestationStatus.Passed, AttestationSubStatus.None, "", host);

    public static Verdict Fail(AttestationStatus status, string reason, RegisteredHost? host = null, AttestationSubStatus subStatus = AttestationSubStatus.None) =>
        new(status, subStatus, reason, host);
}
