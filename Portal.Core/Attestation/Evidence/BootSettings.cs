namespace Portal.Core.Attestation.Evidence;

/// <summary>
/// The security settings a (simulated) host measures at boot. <see cref="Log"/> is the measured boot log such a host
/// produces: deterministic, so every healthy simulated host has the same composite digest —
/// <see cref="HealthyPcrDigest"/>, the TPM baseline an HGS admin allows for them.
/// </summary>
public sealed record BootSettings(
    bool SecureBoot = true,
    bool Iommu = true,
    bool VirtualSecureMode = true,
    bool BitLocker = true,
    bool Debugging = false,
    bool FullBoot = true)
{
    public static BootSettings Healthy { get; } = new();

    /// <summary>Hex composite digest of the healthy simulated boot; the default TPM baseline.</summary>
    public static string HealthyPcrDigest { get; } = Convert.ToHexString(MeasuredBoot.CompositeDigest(Healthy.Log()));

    /// <summary>Event type, the value a compliant host measures, and the sub-status reported when it differs.</summary>
    internal static readonly (string Type, string Expected, AttestationSubStatus Flag)[] Expectations =
    [
        ("SecureBoot", "Enabled", AttestationSubStatus.SecureBoot),
        ("Iommu", "Enabled", AttestationSubStatus.Iommu),
        ("VirtualSecureMode", "Enabled", AttestationSubStatus.VirtualSecureMode),
        ("BitLocker", "Enabled", AttestationSubStatus.BitLocker),
        ("Debugging", "Disabled", AttestationSubStatus.Debugging),
        ("BootType", "FullBoot", AttestationSubStatus.FullBoot),
    ];

    /// <summary>The measured boot log, in boot order, with each event's digest.</summary>
    public IReadOnlyList<BootEvent> Log() =>
    [
        BootEvent.Measure(0, "CRTM", "TenantPortal simulated firmware 1.0"),
        BootEvent.Measure(0, "BootType", FullBoot ? "FullBoot" : "Resume"),
        BootEvent.Measure(1, "BitLocker", OnOff(BitLocker)),
        BootEvent.Measure(2, "Iommu", OnOff(Iommu)),
        BootEvent.Measure(4, "BootManager", "bootmgfw.efi 10.0"),
        BootEvent.Measure(5, "Debugging", OnOff(Debugging)),
        BootEvent.Measure(6, "VirtualSecureMode", OnOff(VirtualSecureMode)),
        BootEvent.Measure(7, "SecureBoot", OnOff(SecureBoot)),
        BootEvent.Measure(7, "SecureBootPolicy", SecureBoot ? "db=Microsoft Windows Production PCA 2011" : "none"),
    ];

    private static string OnOff(bool on) => on ? "Enabled" : "Disabled";
}
