namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// A measured boot log in the TCG crypto-agile format (TCG PC Client Platform Firmware Profile §10), the bytes Linux
/// exposes as <c>/sys/kernel/security/tpm0/binary_bios_measurements</c>: a TCG_PCR_EVENT header carrying the
/// Spec ID event, then TCG_PCR_EVENT2 records (little-endian) with one digest per active bank. Only the SHA-256 bank
/// is replayed; a log without it does not parse.
/// </summary>
public sealed class TcgEventLog
{
    /// <summary>Largest log accepted, in bytes and in events; real firmware logs are tens of KiB and a few hundred events.</summary>
    public const int MaxBytes = 1 << 20;

    public const int MaxEvents = 4096;

    private TcgEventLog(IReadOnlyList<TcgEvent> events) => Events = events;

    /// <summary>The events after the Spec ID header, in log order.</summary>
    public IReadOnlyList<TcgEvent> Events { get; }

    /// <summary>Parses a crypto-agile log; throws <see cref="Tpm.TpmFormatException"/> when it is not one.</summary>
    public static TcgEventLog Parse(ReadOnlySpan<byte> log) => throw new NotImplementedException();

    /// <summary>A log of <paramref name="events"/> (SHA-256 bank only), as firmware would write it.</summary>
    public static TcgEventLog Of(IReadOnlyList<TcgEvent> events) => new(events);

    /// <summary>The crypto-agile bytes: header with the Spec ID event, then every event.</summary>
    public byte[] ToBytes() => throw new NotImplementedException();

    /// <summary>
    /// Checks that every event whose digest must be the hash of its data (separators, EFI variables, actions, the CRTM
    /// version, tagged events) is; returns why not, or null. A log can claim "Secure Boot on" in its data only if the
    /// TPM was extended with exactly that.
    /// </summary>
    public string? VerifyEventDigests() => throw new NotImplementedException();

    /// <summary>The SHA-256 bank after replaying every event from zeroed PCRs, for the PCRs the log touches.</summary>
    public IReadOnlyDictionary<int, byte[]> Replay() => throw new NotImplementedException();
}
