using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;

namespace Portal.HostGuardian.KeyRelease;

/// <summary>Either the released key or why not — never both.</summary>
public sealed record KeyReleaseResult(KeyReleaseResponse? Released, KeyReleaseRefusal? Refusal, string Reason)
{
    public static KeyReleaseResult Refused(KeyReleaseRefusal refusal, string reason) => new(null, refusal, reason);
}
