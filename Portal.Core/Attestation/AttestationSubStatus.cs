using System.Text.Json.Serialization;

namespace Portal.Core.Attestation;

/// <summary>
/// Which parts of a host's configuration failed policy, as flags because several can fail at once (Secure Boot off
/// and an unknown code-integrity policy). <see cref="None"/> for a pass or for failures that are not about
/// configuration.
/// </summary>
[Flags]
[JsonConverter(typeof(JsonStringEnumConverter<AttestationSubStatus>))]
public enum AttestationSubStatus
{
    None = 0,

    /// <summary>Secure Boot is off or its measurements do not match an allowed TPM baseline.</summary>
    SecureBoot = 1 << 0,

    /// <summary>The code-integrity policy is not one HGS allows.</summary>
    CodeIntegrityPolicy = 1 << 1,

    /// <summary>The measured boot (TCG) log does not replay to the quoted PCR digest: it was altered or truncated.</summary>
    TcgLogVerification = 1 << 2,

    /// <summary>The IOMMU (DMA protection) is off.</summary>
    Iommu = 1 << 3,

    /// <summary>Virtualization-based security is off.</summary>
    VirtualSecureMode = 1 << 4,

    /// <summary>The boot volume is not BitLocker-protected.</summary>
    BitLocker = 1 << 5,

    /// <summary>The host resumed from hibernation or a partial boot instead of a full, measured boot.</summary>
    FullBoot = 1 << 6,

    /// <summary>
    /// The measured boot matches no TPM baseline HGS trusts, for another reason than the flags above — e.g. a firmware
    /// update changed PCR 0 until the HGS admin accepts a new baseline (Hyper-V HGS's name for it).
    /// </summary>
    SecureBootSettings = 1 << 7,

    /// <summary>Kernel debugging or hypervisor debugging is on.</summary>
    Debugging = 1 << 8,
}
