using Portal.HostAgent.Hypervisor.Qemu;
using Portal.Web.Features.Fabric;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>What the embedded hosts attest with: an swtpm each (driven through tpm2-tools), or the software TPM, and why.</summary>
internal sealed record EmbeddedTpmChoice(bool UsesSwtpm, string Reason)
{
    /// <summary>
    /// swtpm where <c>swtpm</c>, <c>swtpm_setup</c> and tpm2-tools are installed, the software TPM otherwise;
    /// <c>Fabric:SimulatedHosts:Tpm</c> can force either (forcing swtpm where it is missing stops the start, with the reason).
    /// </summary>
    public static EmbeddedTpmChoice For(SimulatedHostsOptions hosts)
    {
        if (hosts.Tpm == EmbeddedTpmMode.Software)
        {
            return new(false, "Fabric:SimulatedHosts:Tpm is Software.");
        }

        string[] binaries = ["swtpm", "swtpm_setup", "tpm2_quote"];
        var missing = OperatingSystem.IsWindows() ? binaries.ToList() : binaries.Where(b => QemuInstallation.Find(b) is null).ToList();
        if (missing.Count == 0)
        {
            return new(true, "swtpm and tpm2-tools are installed; each host's TPM is an swtpm with an EK certificate, quoting its measured boot.");
        }

        var reason = $"swtpm or tpm2-tools is missing (no {string.Join(", ", missing)}); apt-get install swtpm swtpm-tools tpm2-tools gives each host a TPM 2.0.";
        return hosts.Tpm == EmbeddedTpmMode.Swtpm
            ? throw new InvalidOperationException($"Fabric:SimulatedHosts:Tpm is Swtpm, but it cannot run here: {reason}")
            : new(false, reason);
    }
}
