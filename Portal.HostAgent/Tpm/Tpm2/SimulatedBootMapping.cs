using System.Security.Cryptography;
using System.Text;
using Portal.Core.Attestation.MeasuredBoot;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>
/// The simulated host's settings (<c>HostAgent:Simulate</c>) as firmware: Secure Boot and DMA protection follow the
/// switches, an unknown code-integrity policy replaces the default one, and a tampered log reports a boot loader that
/// was not the one measured.
/// </summary>
internal static class SimulatedBootMapping
{
    /// <summary>A policy HGS does not allow.</summary>
    public const string UnknownCodeIntegrityPolicy = "unsigned test policy: allow everything";

    public static SimulatedFirmware Firmware(SimulationOptions simulate) => new(
        SecureBoot: !simulate.SecureBootOff,
        DmaProtection: !simulate.IommuOff,
        CodeIntegrityPolicy: simulate.UnknownCodeIntegrityPolicy ? UnknownCodeIntegrityPolicy : SimulatedFirmware.DefaultCodeIntegrityPolicy);

    public static BootPlan Plan(SimulationOptions simulate)
    {
        var measured = Firmware(simulate).Log();
        var reported = simulate.TamperBootLog ? TcgEventLog.Of(Tampered(measured.Events)) : measured;
        return new BootPlan(measured.Events, reported.ToBytes());
    }

    // Someone edited the log after boot to hide which loader really ran: the image event names another image's digest
    // (its data, location and path, still reads fine), so only the replay against the quoted PCRs shows it.
    private static List<TcgEvent> Tampered(IReadOnlyList<TcgEvent> events) =>
        events.Select(e => e.EventType == TcgEventType.EfiBootServicesApplication
            ? e with { Sha256Digest = SHA256.HashData(Encoding.UTF8.GetBytes("BOOTX64.EFI (patched)")) }
            : e).ToList();
}
