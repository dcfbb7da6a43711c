using System.Security.Cryptography;
using Portal.Core.Attestation.Tpm;

namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// A measured boot log in the TCG crypto-agile format (TCG PC Client Platform Firmware Profile §10), the bytes Linux
/// exposes as <c>/sys/kernel/security/tpm0/binary_bios_measurements</c>: a TCG_PCR_EVENT header carrying the
/// Spec ID event, then TCG_PCR_EVENT2 records (little-endian) with one digest per active bank. Only the SHA-256 bank
/// is replayed; a log without it does not parse.
/// </summary>
/// <remarks>
/// EV_NO_ACTION records after the header (StartupLocality, vendor information) stay in <see cref="Events"/> so that a
/// log written back is the log read; they extend nothing, so <see cref="Replay"/> skips them.
/// </remarks>
public sealed class TcgEventLog
{
    /// <summary>Largest log accepted, in bytes and in events; real firmware logs are tens of KiB and a few hundred events.</summary>
    public const int MaxBytes = 1 << 20;

    public const int MaxEvents = 4096;

    /// <summary>PCRs of a PC Client TPM: 0–23.</summary>
    private const int MaxPcr = 23;

    private const ushort Sha256Algorithm = (ushort)TpmAlgorithm.Sha256;

    private const int Sha256Size = 32;

    private TcgEventLog(IReadOnlyList<TcgEvent> events) => Events = events;

    /// <summary>The events after the Spec ID header, in log order (EV_NO_ACTION events included; they extend nothing).</summary>
    public IReadOnlyList<TcgEvent> Events { get; }

    /// <summary>
    /// Parses a crypto-agile log; throws <see cref="Tpm.TpmFormatException"/> when it is not one: truncated, with bytes
    /// after the last event, larger than <see cref="MaxBytes"/> or <see cref="MaxEvents"/>, an event in a PCR above 23,
    /// or an event whose digests are not exactly one per bank the Spec ID event names. Digests of other banks than
    /// SHA-256 are read past.
    /// </summary>
    public static TcgEventLog Parse(ReadOnlySpan<byte> log)
    {
        if (log.Length > MaxBytes)
        {
            throw new TpmFormatException($"The event log has {log.Length} bytes; at most {MaxBytes} are accepted.");
        }

        var reader = new EventLogReader(log);
        var banks = SpecIdEvent.Read(ref reader);
        var events = new List<TcgEvent>();
        while (reader.Remaining > 0)
        {
            if (events.Count == MaxEvents)
            {
                throw new TpmFormatException($"The event log has more than {MaxEvents} events.");
            }

            events.Add(ReadEvent(ref reader, banks, events.Count + 1));
        }

        return new TcgEventLog(events);
    }

    /// <summary>A log of <paramref name="events"/> (SHA-256 bank only), as firmware would write it.</summary>
    /// <exception cref="ArgumentException">An event is in a PCR outside 0–23 or has a digest that is not 32 bytes.</exception>
    public static TcgEventLog Of(IReadOnlyList<TcgEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(events.Count, MaxEvents, nameof(events));
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (e.Pcr is < 0 or > MaxPcr)
            {
                throw new ArgumentException($"An event is in PCR {e.Pcr}; PCRs are 0 to {MaxPcr}.", nameof(events));
            }

            if (e.Sha256Digest is not { Length: Sha256Size } || e.Data is null)
            {
                throw new ArgumentException("An event has no data or a SHA-256 digest that is not 32 bytes.", nameof(events));
            }
        }

        return new TcgEventLog([.. events]);
    }

    /// <summary>The crypto-agile bytes: header with the Spec ID event, then every event.</summary>
    public byte[] ToBytes()
    {
        var writer = new EventLogWriter();
        SpecIdEvent.WriteSha256Only(writer);
        foreach (var e in Events)
        {
            writer.WriteUInt32((uint)e.Pcr);
            writer.WriteUInt32(e.EventType);
            writer.WriteUInt32(1);
            writer.WriteUInt16(Sha256Algorithm);
            writer.WriteBytes(e.Sha256Digest);
            writer.WriteUInt32((uint)e.Data.Length);
            writer.WriteBytes(e.Data);
        }

        return writer.ToArray();
    }

    /// <summary>
    /// Checks that every event whose digest must be the hash of its data (separators, EFI variables, actions, the CRTM
    /// version, tagged events) is; returns why not, or null. A log can claim "Secure Boot on" in its data only if the
    /// TPM was extended with exactly that.
    /// </summary>
    /// <remarks>
    /// Not checked: images and files (EV_EFI_PLATFORM_FIRMWARE_BLOB, EV_EFI_BOOT_SERVICES_APPLICATION, EV_IPL), whose
    /// digest is of bytes the log does not carry, and EV_EFI_VARIABLE_BOOT, which firmware hashes either over the
    /// whole UEFI_VARIABLE_DATA or over the variable's data only. Events are numbered as tpm2_eventlog numbers them:
    /// the header is event 0.
    /// </remarks>
    public string? VerifyEventDigests()
    {
        for (var i = 0; i < Events.Count; i++)
        {
            var e = Events[i];
            if (DigestIsOfData(e.EventType) && !SHA256.HashData(e.Data).AsSpan().SequenceEqual(e.Sha256Digest))
            {
                var variable = IsVariableEvent(e.EventType) && UefiVariableData.TryParse(e.Data) is { } v ? $" {v.Name}" : "";
                return $"Event {i + 1} (PCR {e.Pcr}, {TcgEventNames.Of(e.EventType)}{variable}) was extended with a digest " +
                    "that is not the SHA-256 of its data.";
            }
        }

        return null;
    }

    /// <summary>The SHA-256 bank after replaying every event from zeroed PCRs, for the PCRs the log touches.</summary>
    /// <remarks>PCRs only EV_NO_ACTION events name are not touched: those events extend nothing.</remarks>
    public IReadOnlyDictionary<int, byte[]> Replay()
    {
        var pcrs = new SortedDictionary<int, byte[]>();
        Span<byte> buffer = stackalloc byte[2 * Sha256Size];
        foreach (var e in Events)
        {
            if (e.EventType == TcgEventType.NoAction)
            {
                continue;
            }

            var current = pcrs.TryGetValue(e.Pcr, out var value) ? value : new byte[Sha256Size];
            current.CopyTo(buffer);
            e.Sha256Digest.CopyTo(buffer[Sha256Size..]);
            pcrs[e.Pcr] = SHA256.HashData(buffer);
        }

        return pcrs;
    }

    internal static bool IsVariableEvent(uint eventType) => eventType is TcgEventType.EfiVariableDriverConfig
        or TcgEventType.EfiVariableBoot or TcgEventType.EfiVariableAuthority;

    private static bool DigestIsOfData(uint eventType) => eventType is TcgEventType.Separator or TcgEventType.SCrtmVersion
        or TcgEventType.EfiVariableDriverConfig or TcgEventType.EfiVariableAuthority or TcgEventType.EfiAction
        or TcgEventType.Action or TcgEventType.EventTag;

    private static TcgEvent ReadEvent(ref EventLogReader reader, IReadOnlyList<(ushort Algorithm, int Size)> banks, int number)
    {
        var pcr = reader.ReadUInt32("PCR index");
        if (pcr > MaxPcr)
        {
            throw new TpmFormatException($"Event {number} of the event log is in PCR {pcr}; PCRs are 0 to {MaxPcr}.");
        }

        var eventType = reader.ReadUInt32("event type");
        var count = reader.ReadUInt32("digest count");
        if (count != banks.Count)
        {
            throw new TpmFormatException(
                $"Event {number} of the event log has {count} digests; the Spec ID event names {banks.Count} banks.");
        }

        byte[]? sha256 = null;
        Span<bool> seen = stackalloc bool[banks.Count];
        for (var i = 0; i < banks.Count; i++)
        {
            var algorithm = reader.ReadUInt16("digest algorithm");
            var bank = IndexOf(banks, algorithm);
            if (bank < 0 || seen[bank])
            {
                throw new TpmFormatException(
                    $"Event {number} of the event log has a digest of algorithm 0x{algorithm:X4}, which is not a bank of the log or is there twice.");
            }

            seen[bank] = true;
            var digest = reader.Take(banks[bank].Size, "digest");
            if (algorithm == Sha256Algorithm)
            {
                sha256 = digest.ToArray();
            }
        }

        var data = reader.ReadSized("event data", MaxBytes).ToArray();
        return new TcgEvent((int)pcr, eventType, sha256!, data);
    }

    private static int IndexOf(IReadOnlyList<(ushort Algorithm, int Size)> banks, ushort algorithm)
    {
        for (var i = 0; i < banks.Count; i++)
        {
            if (banks[i].Algorithm == algorithm)
            {
                return i;
            }
        }

        return -1;
    }
}
