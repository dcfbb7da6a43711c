using Microsoft.EntityFrameworkCore;
using Portal.Core.Attestation;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Attestation;

/// <summary>Checks measured or reported configuration against the policy the HGS admin allows.</summary>
internal static class PolicyChecks
{
    public static Task<bool> IsAllowedBaselineAsync(HgsDbContext db, string pcrDigestHex, CancellationToken cancellationToken) =>
        db.TpmBaselines.AnyAsync(b => b.PcrDigest == pcrDigestHex, cancellationToken);

    public static Task<bool> IsAllowedCodeIntegrityPolicyAsync(HgsDbContext db, string hash, CancellationToken cancellationToken)
    {
        var normalised = hash.ToUpperInvariant();
        return db.CodeIntegrityPolicies.AnyAsync(p => p.Hash == normalised, cancellationToken);
    }

    /// <summary>Words for the failed settings, e.g. "Secure Boot, code-integrity policy".</summary>
    public static string Describe(AttestationSubStatus subStatus)
    {
        var parts = Enum.GetValues<AttestationSubStatus>()
            .Where(flag => flag != AttestationSubStatus.None && subStatus.HasFlag(flag))
            .Select(Words);
        return string.Join(", ", parts);
    }

    private static string Words(AttestationSubStatus flag) => flag switch
    {
        AttestationSubStatus.None => "none",
        AttestationSubStatus.SecureBoot => "Secure Boot is off or its measurements are not allowed",
        AttestationSubStatus.CodeIntegrityPolicy => "the code-integrity policy is not an allowed one",
        AttestationSubStatus.TcgLogVerification => "the boot log does not verify",
        AttestationSubStatus.Iommu => "the IOMMU is off",
        AttestationSubStatus.VirtualSecureMode => "virtualization-based security is off",
        AttestationSubStatus.BitLocker => "BitLocker is off",
        AttestationSubStatus.FullBoot => "the host did not do a full boot",
        AttestationSubStatus.SecureBootSettings => "the boot measurements match no TPM baseline HGS trusts",
        AttestationSubStatus.Debugging => "debugging is on",
        _ => flag.ToString(),
    };
}
