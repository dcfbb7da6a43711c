using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>The processes behind a VM: swtpm and QEMU started, the disk opened over QMP, their exits recorded.</summary>
public sealed partial class QemuHypervisorDriver
{
    private ChildProcess StartSwtpm(VmFolder folder) => ChildProcess.Start("swtpm", _options.SwtpmBinary,
    [
        "socket", "--tpm2",
        "--tpmstate", $"dir={folder.Tpm},mode=0600",
        "--ctrl", $"type=unixio,path={folder.TpmSocket},mode=0600",
        "--key", "fd=0,format=binary,mode=aes-256-cbc",
        "--terminate",
    ], folder.Path);

    private IEnumerable<string> QemuArguments(VmInfo vm, VmFolder folder, AccelerationChoice acceleration) =>
    [
        "-S", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
        "-name", $"tenantportal-{vm.Id:N},process=tenantportal-{vm.Id:N}",
        "-accel", acceleration.Accelerator,
        "-m", $"{Math.Max(1, vm.Size.MemoryGiB) * 1024}",
        "-smp", $"{Math.Max(1, vm.Size.Vcpus)}",
        "-qmp", $"unix:{folder.QmpSocket},server=on,wait=off",
        "-kernel", _options.KernelPath,
        "-initrd", _options.InitrdPath,
        "-append", _options.KernelCommandLine,
        "-chardev", $"socket,id=serial0,path={folder.ConsoleSocket},server=on,wait=off",
        "-serial", "chardev:serial0",
        "-device", "virtio-serial-pci,id=virtio-serial0",
        "-chardev", $"socket,id=answer,path={folder.AnswerSocket},server=on,wait=off",
        "-device", "virtserialport,chardev=answer,name=org.tenantportal.answer",
        "-chardev", $"socket,id=tpmchr,path={folder.TpmSocket}",
        "-tpmdev", "emulator,id=tpm0,chardev=tpmchr",
        "-device", "tpm-crb,tpmdev=tpm0",
    ];

    /// <summary>The disk's passphrase goes to QEMU as a secret object over the monitor; the secret object is removed once the disk is open.</summary>
    private static async Task OpenDiskAsync(VmInfo vm, string diskPath, QmpClient qmp, byte[] passphrase, CancellationToken ct)
    {
        await qmp.AddSecretAsync(DiskSecretId, passphrase, ct);
        CryptographicOperations.ZeroMemory(passphrase);
        try
        {
            await qmp.ExecuteAsync("blockdev-add", new JsonObject
            {
                ["driver"] = "qcow2",
                ["node-name"] = "disk0",
                ["encrypt"] = new JsonObject { ["format"] = "luks", ["key-secret"] = DiskSecretId },
                ["file"] = new JsonObject { ["driver"] = "file", ["filename"] = diskPath },
            }, ct);
        }
        catch (QmpException e) when (e.Description.Contains("Invalid password", StringComparison.Ordinal))
        {
            throw new HypervisorException(HypervisorError.WrongKey, $"The disk of VM '{vm.Name}' does not open with this key.", e);
        }
        finally
        {
            await ((Task)qmp.ExecuteAsync("object-del", new JsonObject { ["id"] = DiskSecretId }, CancellationToken.None))
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await qmp.ExecuteAsync("device_add", new JsonObject { ["driver"] = "virtio-blk-pci", ["drive"] = "disk0", ["id"] = "vda" }, ct);
    }

    /// <summary>Asks QEMU to quit (the plug is pulled), kills it by its pid if the monitor does not answer, and waits until its final state is recorded.</summary>
    private async Task QuitAsync(RunningVm run)
    {
        run.QuitRequested = true;
        if (run.Qemu is not { } qemu)
        {
            Guid? vmId;
            lock (_lock)
            {
                vmId = _running.FirstOrDefault(p => p.Value == run) is { Value: not null } entry ? entry.Key : null;
                if (vmId is { } id)
                {
                    _running.Remove(id);
                }
            }

            await run.ReleaseAsync();
            if (vmId is { } stopped)
            {
                await ((Task)MoveAsync(stopped, VmPowerState.Off, null, CancellationToken.None, VmPowerState.Starting, VmPowerState.Running, VmPowerState.Stopping))
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            run.MarkStopped();
            return;
        }

        if (!qemu.HasExited && run.Qmp is { } qmp)
        {
            await ((Task)qmp.ExecuteAsync("quit", null, CancellationToken.None)).WaitAsync(QuitTimeout)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (!await qemu.WaitAsync(QuitTimeout))
        {
            qemu.Kill();
        }

        await run.Stopped.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Waits for QEMU's exit and records what it means: Off after a guest shutdown or a quit, Crashed otherwise.</summary>
    private async Task MonitorAsync(Guid vmId, RunningVm run)
    {
        try
        {
            await RecordExitAsync(vmId, run);
        }
        catch (Exception e)
        {
            LogMonitorFailed(e, vmId);
        }
        finally
        {
            run.MarkStopped();
        }
    }

    private async Task RecordExitAsync(Guid vmId, RunningVm run)
    {
        var qemu = run.Qemu!;
        await qemu.Exited;
        var reason = run.ShutdownReason;
        string? fault = run.QuitRequested || reason is "guest-shutdown" or "host-qmp-quit"
            ? null
            : reason switch
            {
                "guest-panic" => "The guest kernel panicked.",
                "guest-reset" => "The guest reset itself (a reboot or a kernel panic); QEMU stopped it.",
                "host-signal" => "QEMU was stopped by a signal on the host.",
                _ => $"QEMU {qemu.DescribeExit()} without a guest shutdown{Tail(qemu.OutputTail)}.",
            };
        run.Markers.Stopped(fault ?? "The VM stopped before the guest reported.");
        await run.ReleaseAsync();
        try
        {
            Folder(vmId).RemoveRuntime();
        }
        catch (IOException)
        {
            // The folder went away with the VM.
        }

        lock (_lock)
        {
            if (_running.TryGetValue(vmId, out var current) && current == run)
            {
                _running.Remove(vmId);
            }
        }

        try
        {
            await MoveAsync(vmId, fault is null ? VmPowerState.Off : VmPowerState.Crashed, fault, CancellationToken.None,
                VmPowerState.Starting, VmPowerState.Running, VmPowerState.Stopping);
            if (fault is not null)
            {
                LogCrashed(vmId, fault);
            }
        }
        catch (HypervisorException)
        {
            // Deleted meanwhile.
        }
    
    }

    private static void OnEvent(RunningVm run, QmpEvent e)
    {
        if (e.Name == "SHUTDOWN" && e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("reason", out var reason))
        {
            run.ShutdownReason = reason.GetString();
        }
        else if (e.Name == "GUEST_PANICKED")
        {
            run.ShutdownReason = "guest-panic";
        }
    }

    /// <summary>Awaits a step of the start, giving up as soon as QEMU exits.</summary>
    private static async Task<T> UntilExitAsync<T>(RunningVm run, Task<T> step)
    {
        var first = await Task.WhenAny(step, run.Qemu!.Exited);
        if (first != step)
        {
            _ = step.ContinueWith(async t =>
            {
                if (t.IsCompletedSuccessfully && t.Result is IAsyncDisposable d)
                {
                    await d.DisposeAsync();
                }
            }, TaskScheduler.Default);
            throw new HypervisorException(HypervisorError.HypervisorFailed, $"QEMU {run.Qemu.DescribeExit()}{Tail(run.Qemu.OutputTail)}.");
        }

        return await step;
    }

    private static async Task WaitForSocketAsync(ChildProcess owner, string path, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + SocketTimeout;
        while (!File.Exists(path))
        {
            if (owner.HasExited)
            {
                throw new HypervisorException(HypervisorError.HypervisorFailed, $"{owner.Name} {owner.DescribeExit()}{Tail(owner.OutputTail)}.");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new HypervisorException(HypervisorError.HypervisorFailed, $"{owner.Name} did not open {Path.GetFileName(path)} within {SocketTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
        }
    }

    private static string? QemuVersion(string qemu)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(qemu, "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null)
            {
                return null;
            }

            var first = process.StandardOutput.ReadLine();
            process.WaitForExit(TimeSpan.FromSeconds(10));
            // "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)"
            return first?.Replace("QEMU emulator version ", "", StringComparison.Ordinal).Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string Tail(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() is { } last ? $": {last}" : "";
}
