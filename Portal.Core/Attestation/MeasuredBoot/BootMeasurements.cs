namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// What a verified log says about the boot, read the way a verifier must: only from events whose digest matches their
/// data (see <see cref="TcgEventLog.VerifyEventDigests"/>), and the last measurement of a thing wins.
/// </summary>
public static class BootMeasurements
{
    /// <summary>
    /// The settings the log shows off: Secure Boot (the SecureBoot variable in PCR 7 is not 1), IOMMU ("DMA Protection
    /// Disabled" in PCR 7). <see cref="AttestationSubStatus.None"/> when neither.
    /// </summary>
    public static AttestationSubStatus Findings(TcgEventLog log) => throw new NotImplementedException();

    /// <summary>SHA-256 (upper-case hex) of the code-integrity policy measured into PCR 12, or null when none was.</summary>
    public static string? CodeIntegrityPolicy(TcgEventLog log) => throw new NotImplementedException();

    /// <summary>One line per event for people reviewing a baseline: "PCR 7 · EV_EFI_VARIABLE_DRIVER_CONFIG · SecureBoot = 1".</summary>
    public static IReadOnlyList<string> Describe(TcgEventLog log) => throw new NotImplementedException();
}
