namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// The measured boot a host without firmware of its own plays into its TPM at start (swtpm, or the software TPM): a
/// TCG-style log of what UEFI firmware measures — the CRTM version and firmware blob (PCR 0), configuration (1),
/// option ROMs (2–3), the boot loader (4), GPT and boot variables (5), platform state (6), the Secure Boot variables
/// and the authority that verified the loader (7, with "DMA Protection Disabled" there when the IOMMU is off), a
/// separator in each of 0–7 — then the code-integrity policy in <see cref="PolicyPcrs.CodeIntegrity"/>. Deterministic:
/// the same settings always give the same PCRs, so every healthy simulated host matches one baseline.
/// </summary>
public sealed record SimulatedFirmware(
    string Version = SimulatedFirmware.DefaultVersion,
    bool SecureBoot = true,
    bool DmaProtection = true,
    string CodeIntegrityPolicy = SimulatedFirmware.DefaultCodeIntegrityPolicy)
{
    public const string DefaultVersion = "TenantPortal simulated firmware 1.0";

    /// <summary>The policy text simulated hosts enforce by default; HGS allows its SHA-256.</summary>
    public const string DefaultCodeIntegrityPolicy =
        "TenantPortal simulated host code-integrity policy v1: allow Microsoft-signed, block unsigned kernel drivers";

    public static SimulatedFirmware Healthy { get; } = new();

    /// <summary>The measured boot log, in boot order.</summary>
    public TcgEventLog Log() => throw new NotImplementedException();
}
