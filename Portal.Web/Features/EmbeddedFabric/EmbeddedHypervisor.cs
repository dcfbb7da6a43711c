using System.Diagnostics;
using Microsoft.Extensions.Options;
using Portal.HostAgent.Hypervisor.Qemu;
using Portal.Web.Features.Fabric;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>The embedded hosts' hypervisor and, for QEMU, the folder holding the guest's kernel, initramfs and template disk.</summary>
internal sealed record EmbeddedHypervisorChoice(bool UsesQemu, string? GuestFolder, string Reason)
{
    public const string TemplateDiskFile = "template.qcow2";

    public string? TemplateDiskPath => GuestFolder is null ? null : Path.Combine(GuestFolder, TemplateDiskFile);
}

/// <summary>
/// Chooses, once per process, what the embedded hosts run VMs with: QEMU when <c>qemu-system-x86_64</c>, <c>qemu-img</c>
/// and <c>swtpm</c> are installed and <c>guest/build.sh</c> builds (or finds, cached) the guest template from Debian
/// packages; the simulated hypervisor otherwise, with the reason. <c>Fabric:SimulatedHosts:Hypervisor</c> can force either;
/// forcing QEMU where it cannot run stops the start with that reason.
/// </summary>
internal sealed class EmbeddedHypervisor(
    IOptions<FabricOptions> options,
    SimulatedFabricSettings settings,
    ILogger<EmbeddedHypervisor> logger)
{
    public static readonly string[] Binaries = ["qemu-system-x86_64", "qemu-img", "swtpm"];

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    private readonly Lazy<Task<EmbeddedHypervisorChoice>> _choice = new(() => Task.Run(() => ChooseAsync(options.Value.SimulatedHosts, settings, logger)));

    public Task<EmbeddedHypervisorChoice> ChoiceAsync() => _choice.Value;

    private static async Task<EmbeddedHypervisorChoice> ChooseAsync(SimulatedHostsOptions hosts, SimulatedFabricSettings settings, ILogger logger)
    {
        if (settings.Count == 0)
        {
            return new(false, null, "No embedded hosts run in this process.");
        }

        if (hosts.Hypervisor == EmbeddedHypervisorMode.Simulated)
        {
            return new(false, null, "Fabric:SimulatedHosts:Hypervisor is Simulated.");
        }

        var missing = Binaries.Where(b => QemuInstallation.Find(b) is null).ToList();
        var tooLong = QemuInstallation.DataFolderTooLong(Path.Combine(settings.HostsFolder, $"host-{settings.Count}"));
        var choice = missing.Count > 0
            ? new EmbeddedHypervisorChoice(false, null,
                $"QEMU is not installed (no {string.Join(", ", missing)}); apt-get install qemu-system-x86 qemu-utils swtpm swtpm-tools busybox-static cpio makes the hosts run real VMs.")
            : tooLong is not null
                ? new EmbeddedHypervisorChoice(false, null, $"The data folder {settings.DataFolder} {tooLong.TrimEnd('.')} (Portal:DataFolder).")
                : await BuildGuestAsync(hosts.GuestFolder ?? Path.Combine(settings.DataFolder, "guest"), logger);
        if (!choice.UsesQemu && hosts.Hypervisor == EmbeddedHypervisorMode.Qemu)
        {
            throw new InvalidOperationException($"Fabric:SimulatedHosts:Hypervisor is Qemu, but QEMU cannot run here: {choice.Reason}");
        }

        logger.LogInformation("Embedded hosts run VMs with {Hypervisor}: {Reason}", choice.UsesQemu ? "QEMU" : "the simulated hypervisor", choice.Reason);
        return choice;
    }

    private static async Task<EmbeddedHypervisorChoice> BuildGuestAsync(string folder, ILogger logger)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "guest", "build.sh");
        if (!File.Exists(script))
        {
            return new(false, null, $"The guest template's build script is missing ({script}).");
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(folder);
        using var build = Process.Start(start) ?? throw new InvalidOperationException("bash could not be started.");
        var output = build.StandardOutput.ReadToEndAsync();
        var errors = build.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(BuildTimeout);
        try
        {
            await build.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            build.Kill(entireProcessTree: true);
            return new(false, null, $"Building the guest template took longer than {BuildTimeout.TotalMinutes:0} minutes.");
        }

        if (build.ExitCode != 0)
        {
            var reason = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {build.ExitCode}";
            logger.LogWarning("The guest template could not be built: {Reason}", reason);
            return new(false, null, $"The guest template could not be built ({reason}).");
        }

        await output;
        return new(true, folder, $"QEMU is installed; guests boot the template built from Debian packages in {folder}.");
    }
}
