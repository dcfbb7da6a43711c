using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>How guests run on this host: the QEMU accelerator argument and the words the Fabric page shows.</summary>
internal sealed record AccelerationChoice(string Accelerator, string Description);

/// <summary>
/// Decides between KVM and TCG. <c>/dev/kvm</c> existing is not enough: on a host whose CPU lacks vmx/svm a KVM guest can
/// hang without a word. So the probe boots the guest kernel under KVM for a bounded time and takes KVM only if the kernel
/// printed its banner; otherwise TCG, saying why. The answer is cached for the process.
/// </summary>
internal static class KvmProbe
{
    public const string KvmDevice = "/dev/kvm";

    private static readonly ConcurrentDictionary<string, Lazy<Task<AccelerationChoice>>> Cache = new();

    public static Task<AccelerationChoice> ChooseAsync(QemuHypervisorOptions options) => options.Acceleration switch
    {
        QemuAcceleration.Tcg => Task.FromResult(new AccelerationChoice("tcg", "TCG (configured)")),
        QemuAcceleration.Kvm => Task.FromResult(new AccelerationChoice("kvm", "KVM (configured)")),
        QemuAcceleration.Auto => Cache.GetOrAdd(
            $"{options.QemuBinary}|{options.KernelPath}|{options.KvmProbeTimeout}",
            _ => new Lazy<Task<AccelerationChoice>>(() => ProbeAsync(options))).Value,
    };

    private static async Task<AccelerationChoice> ProbeAsync(QemuHypervisorOptions options)
    {
        if (!File.Exists(KvmDevice))
        {
            return new("tcg", "TCG (no /dev/kvm)");
        }

        var seconds = options.KvmProbeTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        var banner = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopwatch = Stopwatch.StartNew();
        using var qemu = ChildProcess.Start("qemu-probe", options.QemuBinary,
        [
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-accel", "kvm", "-m", "128",
            "-kernel", options.KernelPath, "-initrd", options.InitrdPath,
            "-append", "console=ttyS0 panic=-1",
            "-serial", "stdio",
        ]);
        try
        {
            qemu.CloseInput();
            while (stopwatch.Elapsed < options.KvmProbeTimeout && !qemu.HasExited)
            {
                if (qemu.OutputTail.Contains("Linux version", StringComparison.Ordinal))
                {
                    return new("kvm", "KVM");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }

            return qemu.HasExited
                ? new("tcg", $"TCG (KVM probe: QEMU {qemu.DescribeExit()}: {LastLine(qemu.OutputTail)})")
                : new("tcg", $"TCG (KVM probe: no guest output within {seconds} s)");
        }
        finally
        {
            await qemu.StopAsync();
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no output";
}
