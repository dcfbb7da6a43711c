namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// Which PCRs attestation quotes and what each holds: 0–7 the platform firmware's measured boot (the TPM baseline),
/// 12 the code-integrity policy the host enforces (measured by its own event, checked against allowed policies).
/// </summary>
public static class PolicyPcrs
{
    public const int CodeIntegrity = 12;

    /// <summary>The PCRs a TPM baseline fixes.</summary>
    public static IReadOnlyList<int> Firmware { get; } = [0, 1, 2, 3, 4, 5, 6, 7];

    /// <summary>Every PCR a quote must cover, ascending.</summary>
    public static IReadOnlyList<int> Quoted { get; } = [0, 1, 2, 3, 4, 5, 6, 7, CodeIntegrity];
}
