using Microsoft.Extensions.Options;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>Checks at start-up that QEMU, qemu-img, swtpm and the guest's kernel and initramfs are there, with clear messages.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class QemuHypervisorOptionsValidation(IOptions<HostAgentOptions> agent) : IValidateOptions<QemuHypervisorOptions>
{
    public ValidateOptionsResult Validate(string? name, QemuHypervisorOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, binary, package) in new[]
        {
            ("QemuBinary", options.QemuBinary, "qemu-system-x86"),
            ("QemuImgBinary", options.QemuImgBinary, "qemu-utils"),
            ("SwtpmBinary", options.SwtpmBinary, "swtpm"),
        })
        {
            if (QemuInstallation.Find(binary) is null)
            {
                failures.Add($"HostAgent:Qemu:{key}: '{binary}' is not an executable file or on PATH (install the Debian package {package}).");
            }
        }

        foreach (var (file, path) in new[] { ("vmlinuz", options.KernelPath), ("initrd.gz", options.InitrdPath) })
        {
            if (!File.Exists(path))
            {
                failures.Add($"HostAgent:Qemu:GuestFolder: {path} is missing; build the guest with guest/build.sh {Path.GetDirectoryName(path)} ({file}).");
            }
        }

        if (QemuInstallation.DataFolderTooLong(agent.Value.DataFolder) is { } tooLong)
        {
            failures.Add($"HostAgent:DataFolder {tooLong}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
