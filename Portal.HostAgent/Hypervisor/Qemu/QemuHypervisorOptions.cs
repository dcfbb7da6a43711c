using System.ComponentModel.DataAnnotations;

namespace Portal.HostAgent.Hypervisor.Qemu;

public enum QemuAcceleration
{
    /// <summary>KVM when a bounded test boot shows a KVM guest runs here, TCG otherwise.</summary>
    Auto,
    Kvm,
    Tcg,
}

/// <summary>How the QEMU hypervisor driver runs guests (section <c>HostAgent:Qemu</c>).</summary>
public sealed class QemuHypervisorOptions
{
    public const string SectionName = "HostAgent:Qemu";

    /// <summary>The guest build (<c>guest/build.sh OUT</c>): the folder holding <c>vmlinuz</c> and <c>initrd.gz</c>.</summary>
    [Required]
    public string GuestFolder { get; set; } = "guest/out";

    [Required]
    public string QemuBinary { get; set; } = "qemu-system-x86_64";

    [Required]
    public string QemuImgBinary { get; set; } = "qemu-img";

    [Required]
    public string SwtpmBinary { get; set; } = "swtpm";

    public QemuAcceleration Acceleration { get; set; } = QemuAcceleration.Auto;

    /// <summary>How long the KVM test boot may take to show guest output before the driver falls back to TCG.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan KvmProbeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>From QEMU's start until the guest reports it booted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan BootTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>From the ACPI power button until QEMU exited; a guest that ignores it is left running (turn it off instead).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>From handing the specialisation to the guest until it reports it applied it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SpecializeTimeout { get; set; } = TimeSpan.FromMinutes(5);

    [Required]
    public string KernelCommandLine { get; set; } = "console=ttyS0 quiet panic=-1";

    /// <summary>
    /// LUKS PBKDF time in milliseconds. The passphrase is derived from a full-entropy 256-bit key, so stretching adds no
    /// strength; a small value saves seconds at every creation and start.
    /// </summary>
    [Range(1, 10_000)]
    public int LuksIterTimeMilliseconds { get; set; } = 10;

    /// <summary>Recent console output kept in memory so a new console viewer sees the login prompt.</summary>
    [Range(1024, 1024 * 1024)]
    public int ConsoleHistoryBytes { get; set; } = 16 * 1024;

    /// <summary>Turns off this driver's VMs when the agent stops (the embedded portal and tests rely on it).</summary>
    public bool TurnOffVmsOnStop { get; set; } = true;

    public string KernelPath => Path.Combine(Path.GetFullPath(GuestFolder), "vmlinuz");

    public string InitrdPath => Path.Combine(Path.GetFullPath(GuestFolder), "initrd.gz");
}
