using System.Security.Cryptography;
using System.Text;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tpm;

/// <summary>
/// The boot a host without firmware of its own plays into its TPM: the firmware the settings describe (what the TPM's
/// PCRs are extended with) and the log the host reports (the same log, unless the settings ask for a tampered one — an
/// honest TPM's PCRs still show the real boot, so the reported log no longer replays to them).
/// </summary>
public sealed record SimulatedBoot(SimulatedFirmware Firmware, TcgEventLog Measured, TcgEventLog Reported)
{
    /// <summary>The policy text of <see cref="SimulationOptions.UnknownCodeIntegrityPolicy"/>: one HGS has never allowed.</summary>
    public const string UnknownCodeIntegrityPolicy = "TenantPortal unsigned test policy: allow everything";

    public static SimulatedBoot From(SimulationOptions options)
    {
        var firmware = new SimulatedFirmware(
            Version: options.FirmwareVersion,
            SecureBoot: !options.SecureBootOff,
            DmaProtection: !options.IommuOff,
            CodeIntegrityPolicy: options.UnknownCodeIntegrityPolicy ? UnknownCodeIntegrityPolicy : SimulatedFirmware.DefaultCodeIntegrityPolicy);
        var measured = firmware.Log();
        return new SimulatedBoot(firmware, measured, options.TamperBootLog ? Tampered(measured) : measured);
    }

    // Someone edited the boot loader's event after boot to hide what was really loaded: the event hashes to its new
    // data, but the log no longer replays to the PCRs the TPM holds.
    private static TcgEventLog Tampered(TcgEventLog log)
    {
        var events = log.Events.ToList();
        var bootLoader = events.FindLastIndex(e => e.Pcr == 4 && e.EventType == TcgEventType.EfiBootServicesApplication);
        if (bootLoader < 0)
        {
            bootLoader = events.FindLastIndex(e => e.Pcr == 4 && e.EventType != TcgEventType.Separator);
        }

        if (bootLoader < 0)
        {
            throw new InvalidOperationException("The simulated firmware's log has no boot loader event to tamper with.");
        }

        var original = events[bootLoader];
        byte[] data = [.. original.Data, .. Encoding.UTF8.GetBytes(" (patched)")];
        events[bootLoader] = original with { Data = data, Sha256Digest = SHA256.HashData(data) };
        return TcgEventLog.Of(events);
    }
}
