using Portal.Core.Attestation.MeasuredBoot;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>
/// The boot a TPM without firmware of its own is given: the events measured into its PCRs, and the log the host reports
/// (the same log, unless the host is set to tamper with it).
/// </summary>
public sealed record BootPlan(IReadOnlyList<TcgEvent> Measured, byte[] ReportedLog)
{
    /// <summary>The simulated boot the host's settings describe.</summary>
    public static BootPlan From(SimulatedBoot boot) => new(boot.Measured.Events, boot.Reported.ToBytes());
}
