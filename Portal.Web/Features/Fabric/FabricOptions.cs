using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Fabric;

public sealed class FabricOptions
{
    public const string SectionName = "Fabric";

    /// <summary>
    /// The Host Guardian Service the portal asks for its attestation signer key. Empty means HGS runs in the portal's
    /// own process (the embedded default): the portal's own address is used.
    /// </summary>
    public Uri? HgsUrl { get; set; }

    /// <summary>
    /// HGS's attestation signer public key (base64 DER SubjectPublicKeyInfo), pinned. When set it is used instead of
    /// fetching it from <see cref="HgsUrl"/>.
    /// </summary>
    public string? AttestationSignerKey { get; set; }

    /// <summary>How long a fetched signer key is trusted before it is fetched again.</summary>
    public TimeSpan SignerCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Without a heartbeat for this long a host shows as not responding and gets no work.</summary>
    public TimeSpan HeartbeatStaleAfter { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The interval agents are told to beat at (they may be configured faster).</summary>
    [Range(1, 3600)]
    public int HeartbeatIntervalSeconds { get; set; } = 15;

    public SimulatedHostsOptions SimulatedHosts { get; set; } = new();
}

/// <summary>Guarded hosts simulated inside the portal's process, for the one-command embedded default.</summary>
public sealed class SimulatedHostsOptions
{
    /// <summary>How many to run. Unset: three when the database is the embedded SQLite one, none otherwise.</summary>
    [Range(0, 16)]
    public int? Count { get; set; }

    /// <summary>Seconds between heartbeats of a simulated host.</summary>
    [Range(1, 3600)]
    public int HeartbeatIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// Extra agent settings per host number (1-based), e.g. <c>"3": { "HostAgent:Simulation:SecureBootOff": "true" }</c>,
    /// to show a host that fails attestation.
    /// </summary>
    public Dictionary<string, Dictionary<string, string?>> Overrides { get; set; } = [];

    /// <summary>
    /// Auto: QEMU where it is installed (with swtpm) and the guest template builds, the simulated hypervisor otherwise.
    /// </summary>
    public EmbeddedHypervisorMode Hypervisor { get; set; } = EmbeddedHypervisorMode.Auto;

    /// <summary>Where the guest template (kernel, initramfs, template disk) is built; unset: <c>guest</c> in the data folder.</summary>
    public string? GuestFolder { get; set; }

    /// <summary>Auto: an swtpm per host where swtpm and tpm2-tools are installed, the software TPM otherwise.</summary>
    public EmbeddedTpmMode Tpm { get; set; } = EmbeddedTpmMode.Auto;
}

public enum EmbeddedTpmMode
{
    Auto,
    Software,
    Swtpm,
}

public enum EmbeddedHypervisorMode
{
    Auto,
    Simulated,
    Qemu,
}
