using Microsoft.Extensions.Options;
using Portal.HostAgent.Hypervisor.Qemu;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>
/// Checks at start-up that the configured TPM can be used: the device exists, tpm2-tools (and swtpm for a managed one)
/// are installed, the swtpm address is "host:port". Each failure says which key is wrong and how to fix it.
/// </summary>
public sealed class TpmOptionsValidation : IValidateOptions<TpmOptions>
{
    /// <summary>The tpm2-tools programs the agent runs; all come from one Debian package.</summary>
    internal static readonly string[] Tpm2Tools =
    [
        "tpm2_createek", "tpm2_createak", "tpm2_readpublic", "tpm2_evictcontrol", "tpm2_nvread", "tpm2_getcap",
        "tpm2_pcrread", "tpm2_pcrextend", "tpm2_quote", "tpm2_startauthsession", "tpm2_policysecret",
        "tpm2_activatecredential", "tpm2_flushcontext",
    ];

    public ValidateOptionsResult Validate(string? name, TpmOptions options)
    {
        var failures = Failures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every reason <paramref name="options"/> cannot work on this machine; empty when they can.</summary>
    public static IReadOnlyList<string> Failures(TpmOptions options)
    {
        var failures = new List<string>();
        if (options.Kind == TpmKind.Software)
        {
            return failures;
        }

        var missingTools = Tpm2Tools.Where(tool => QemuInstallation.Find(tool) is null).ToList();
        if (missingTools.Count > 0)
        {
            failures.Add($"HostAgent:Tpm:Kind is {options.Kind} but tpm2-tools is not installed ({string.Join(", ", missingTools)} not on PATH); install the Debian package tpm2-tools.");
        }

        switch (options.Kind)
        {
            case TpmKind.Device:
                if (string.IsNullOrWhiteSpace(options.DevicePath))
                {
                    failures.Add("HostAgent:Tpm:DevicePath is empty; set it to the TPM's device, e.g. /dev/tpmrm0.");
                }
                else if (!File.Exists(options.DevicePath))
                {
                    failures.Add($"HostAgent:Tpm:DevicePath: {options.DevicePath} does not exist; this host has no TPM there (check that the kernel found one: ls /dev/tpm*), or use Kind Swtpm.");
                }

                break;
            case TpmKind.Swtpm when !string.IsNullOrWhiteSpace(options.SwtpmAddress):
                if (TpmOptions.ParseSwtpmAddress(options.SwtpmAddress) is null)
                {
                    failures.Add($"HostAgent:Tpm:SwtpmAddress '{options.SwtpmAddress}' is not host:port (the port between 1 and 65534; the control port is the next one).");
                }

                break;
            case TpmKind.Swtpm:
                foreach (var (binary, package) in new[] { ("swtpm", "swtpm"), ("swtpm_setup", "swtpm-tools"), ("swtpm_ioctl", "swtpm-tools") })
                {
                    if (QemuInstallation.Find(binary) is null)
                    {
                        failures.Add($"HostAgent:Tpm:Kind is Swtpm without a SwtpmAddress, so the agent runs its own swtpm, but {binary} is not on PATH; install the Debian package {package}.");
                    }
                }

                break;
            case TpmKind.Software:
                break;
        }

        return failures;
    }
}
