using System.Buffers.Binary;
using System.Text;

namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>
/// What a verified log says about the boot, read the way a verifier must: only from events whose digest matches their
/// data (see <see cref="TcgEventLog.VerifyEventDigests"/>), and the last measurement of a thing wins.
/// </summary>
public static class BootMeasurements
{
    private const int MaxTextChars = 80;
    private const int DigestPrefixBytes = 8;

    /// <summary>
    /// The settings the log shows off: Secure Boot (the SecureBoot variable in PCR 7 is not 1), IOMMU ("DMA Protection
    /// Disabled" in PCR 7). <see cref="AttestationSubStatus.None"/> when neither.
    /// </summary>
    /// <remarks>A log that never measures the SecureBoot variable shows Secure Boot off: only a measured 1 is on.</remarks>
    public static AttestationSubStatus Findings(TcgEventLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        byte[]? secureBoot = null;
        var dmaProtectionDisabled = false;
        foreach (var e in log.Events.Where(e => e.Pcr == 7))
        {
            if (e.EventType == TcgEventType.EfiVariableDriverConfig && UefiVariableData.TryParse(e.Data) is
                { Name: "SecureBoot" } variable && variable.VendorGuid == UefiVariableData.GlobalVariable)
            {
                secureBoot = variable.Data;
            }
            else if (e.EventType == TcgEventType.EfiAction && Ascii(e.Data) == SimulatedFirmware.DmaProtectionDisabled)
            {
                dmaProtectionDisabled = true;
            }
        }

        var findings = AttestationSubStatus.None;
        if (secureBoot is not [1])
        {
            findings |= AttestationSubStatus.SecureBoot;
        }

        if (dmaProtectionDisabled)
        {
            findings |= AttestationSubStatus.Iommu;
        }

        return findings;
    }

    /// <summary>SHA-256 (upper-case hex) of the code-integrity policy measured into PCR 12, or null when none was.</summary>
    public static string? CodeIntegrityPolicy(TcgEventLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var last = log.Events.LastOrDefault(e => e.Pcr == PolicyPcrs.CodeIntegrity && e.EventType == TcgEventType.EventTag);
        return last is null ? null : Convert.ToHexString(last.Sha256Digest);
    }

    /// <summary>One line per event for people reviewing a baseline: "PCR 7 · EV_EFI_VARIABLE_DRIVER_CONFIG · SecureBoot = 1".</summary>
    /// <remarks>Text from the log is cut to 80 characters and stripped of control characters: it comes from the host.</remarks>
    public static IReadOnlyList<string> Describe(TcgEventLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return [.. log.Events.Select(e => $"PCR {e.Pcr} · {TcgEventNames.Of(e.EventType)} · {Detail(e)}")];
    }

    private static string Detail(TcgEvent e) => e.EventType switch
    {
        TcgEventType.SCrtmVersion => Printable(Encoding.Unicode.GetString(e.Data.AsSpan(0, e.Data.Length & ~1))),
        TcgEventType.EfiAction or TcgEventType.Action => Printable(Encoding.ASCII.GetString(e.Data)),
        TcgEventType.Separator => Convert.ToHexString(e.Data.AsSpan(0, Math.Min(e.Data.Length, DigestPrefixBytes))),
        TcgEventType.NoAction => "not extended",
        TcgEventType.EfiPlatformFirmwareBlob when e.Data.Length == 16 =>
            $"0x{BinaryPrimitives.ReadUInt64LittleEndian(e.Data):X} + {BinaryPrimitives.ReadUInt64LittleEndian(e.Data.AsSpan(8))} bytes · {Prefix(e)}",
        TcgEventType.EventTag when e.Pcr == PolicyPcrs.CodeIntegrity => $"code-integrity policy {Prefix(e)}",
        _ when TcgEventLog.IsVariableEvent(e.EventType) && UefiVariableData.TryParse(e.Data) is { } v => Variable(e, v),
        _ => Prefix(e),
    };

    private static string Variable(TcgEvent e, UefiVariableData variable) =>
        variable.Data.Length == 1 && e.EventType != TcgEventType.EfiVariableAuthority
            ? $"{Printable(variable.Name)} = {variable.Data[0]}"
            : $"{Printable(variable.Name)} · {variable.Data.Length} bytes · {Prefix(e)}";

    private static string Prefix(TcgEvent e) => Convert.ToHexString(e.Sha256Digest.AsSpan(0, DigestPrefixBytes));

    private static string Ascii(byte[] data) => Encoding.ASCII.GetString(data).TrimEnd('\0');

    private static string Printable(string text)
    {
        var kept = new string([.. text.TrimEnd('\0').Where(c => !char.IsControl(c) && !char.IsSurrogate(c))]);
        return kept.Length <= MaxTextChars ? kept : kept[..MaxTextChars] + "…";
    }
}
