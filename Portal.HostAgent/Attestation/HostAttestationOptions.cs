using System.ComponentModel.DataAnnotations;
using Portal.Core.Attestation;
using Portal.Core.Attestation.MeasuredBoot;

namespace Portal.HostAgent.Attestation;

/// <summary>
/// The agent's attestation settings, read from the <c>HostAgent</c> section it shares with the rest of the agent
/// (<c>HostName</c> and <c>DataFolder</c> mean the same there).
/// </summary>
public sealed class HostAttestationOptions
{
    public const string SectionName = "HostAgent";

    /// <summary>Base address of HGS; without it the host reports <see cref="AttestationStatus.NotConfigured"/>.</summary>
    public Uri? HgsUrl { get; set; }

    public AttestationMode AttestationMode { get; set; } = AttestationMode.TpmTrusted;

    [Required]
    [StringLength(128, MinimumLength = 1)]
    public string HostName { get; set; } = Environment.MachineName;

    /// <summary>The agent's data folder; the software TPM keeps its keys in <c>tpm/</c> under it.</summary>
    [Required]
    public string DataFolder { get; set; } = "agent-data";

    /// <summary>How often to attest again while healthy (the agent also re-attests before its certificate expires).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan AttestationInterval { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How soon to try again after HGS was unreachable or the host failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AttestationRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The longest the agent waits for one answer from HGS. A slower HGS counts as unavailable, so a shielded start
    /// fails closed in bounded time instead of holding its job.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HgsTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Admin-trusted mode: the host group this host belongs to.</summary>
    public string? HostGroup { get; set; }

    /// <summary>Admin-trusted mode: the group's credential (base64), as HGS showed it when the group was created.</summary>
    public string? HostGroupCredential { get; set; }

    /// <summary>Simulated misconfigurations, for demos and tests.</summary>
    public SimulationOptions Simulate { get; set; } = new();
}

/// <summary>Knobs that make the simulated host measure (and report) an insecure or tampered boot.</summary>
public sealed class SimulationOptions
{
    public bool SecureBootOff { get; set; }

    public bool IommuOff { get; set; }

    /// <summary>Enforce a code-integrity policy HGS does not know.</summary>
    public bool UnknownCodeIntegrityPolicy { get; set; }

    /// <summary>Send a boot log that was edited after the TPM measured the boot (it no longer replays to the quote).</summary>
    public bool TamperBootLog { get; set; }

    /// <summary>The firmware version the simulated firmware measures into PCR 0; a new one is a firmware update.</summary>
    [Required]
    public string FirmwareVersion { get; set; } = SimulatedFirmware.DefaultVersion;
}
