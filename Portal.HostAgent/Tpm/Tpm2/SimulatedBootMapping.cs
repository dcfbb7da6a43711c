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

    // Someone edited the log after boot to hide what was really loaded: the event re-hashes fine, the replay does not.
    private static List<TcgEvent> Tampered(IReadOnlyList<TcgEvent> events)
    {
        var loader = events.ToList().FindIndex(e => e.Pcr == 4 && e.EventType != TcgEventType.Separator);
        var tampered = events.ToList();
        if (loader >= 0)
        {
            var data = Encoding.UTF8.GetBytes("bootx64.efi (patched)");
            tampered[loader] = tampered[loader] with { Data = data, Sha256Digest = SHA256.HashData(data) };
        }

        return tampered;
    }
}
