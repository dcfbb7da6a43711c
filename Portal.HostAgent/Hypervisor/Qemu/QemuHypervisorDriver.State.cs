using System.Diagnostics;
using System.Text.Json;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>What the driver knows of its VMs: their states, saved configuration, and what an earlier agent left running.</summary>
public sealed partial class QemuHypervisorDriver
{
    private async Task<VmInfo> MoveAsync(Guid vmId, VmPowerState next, string? fault, CancellationToken ct, params VmPowerState[] from)
    {
        VmInfo moved;
        lock (_lock)
        {
            var vm = Get(vmId);
            if (!from.Contains(vm.State))
            {
                throw new HypervisorException(HypervisorError.InvalidState, $"VM '{vm.Name}' is {vm.State} and cannot become {next}.");
            }

            moved = vm with { State = next, StateChangedAt = _time.GetUtcNow(), Fault = fault };
            _vms[vmId] = moved;
        }

        await SaveAsync(vmId, ct);
        return moved;
    }

    private VmInfo Get(Guid vmId)
    {
        lock (_lock)
        {
            return _vms.GetValueOrDefault(vmId) ?? throw new HypervisorException(HypervisorError.NotFound, $"VM {vmId} is not on this host.");
        }
    }

    private RunningVm Running(Guid vmId)
    {
        var vm = Get(vmId);
        lock (_lock)
        {
            return vm.State is VmPowerState.Running && _running.TryGetValue(vmId, out var run)
                ? run
                : throw new HypervisorException(HypervisorError.InvalidState, $"VM '{vm.Name}' is {vm.State}, not running.");
        }
    }

    private VmFolder Folder(Guid vmId) => new(Path.Combine(_root, vmId.ToString("N")));

    /// <summary>Writes the VM's current configuration; saves are serialised so an older state never overwrites a newer one.</summary>
    private async Task SaveAsync(Guid vmId, CancellationToken ct)
    {
        await _save.WaitAsync(ct);
        try
        {
            var current = Find(vmId);
            var folder = Folder(vmId);
            if (current is null || !Directory.Exists(folder.Path))
            {
                return;
            }

            var temporary = folder.Configuration + ".tmp";
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(current, Json), ct);
            File.Move(temporary, folder.Configuration, overwrite: true);
        }
        finally
        {
            _save.Release();
        }
    }

    /// <summary>
    /// VMs of an earlier agent process: their memory is not this process's to trust, so any QEMU or swtpm still running
    /// for them (checked by pid and by its command line naming the VM's folder) is stopped, and the VM is Off. Running it
    /// again is a new start — for a shielded VM, one that asks HGS for its key.
    /// </summary>
    private void Load()
    {
        foreach (var directory in Directory.EnumerateDirectories(_root))
        {
            var folder = new VmFolder(directory);
            if (!File.Exists(folder.Configuration))
            {
                continue;
            }

            try
            {
                var vm = JsonSerializer.Deserialize<VmInfo>(File.ReadAllBytes(folder.Configuration), Json);
                if (vm is null)
                {
                    continue;
                }

                StopLeftovers(folder);
                _vms[vm.Id] = vm.State switch
                {
                    VmPowerState.Starting or VmPowerState.Running or VmPowerState.Stopping =>
                        vm with { State = VmPowerState.Off, StateChangedAt = _time.GetUtcNow() },
                    VmPowerState.Off or VmPowerState.Crashed => vm,
                };
                File.WriteAllBytes(folder.Configuration, JsonSerializer.SerializeToUtf8Bytes(_vms[vm.Id], Json));
            }
            catch (JsonException e)
            {
                LogUnreadable(e, folder.Configuration);
            }
        }
    }

    private void StopLeftovers(VmFolder folder)
    {
        if (File.Exists(folder.Runtime))
        {
            try
            {
                var record = JsonSerializer.Deserialize<VmRuntimeRecord>(File.ReadAllBytes(folder.Runtime), Json);
                foreach (var pid in record is null ? [] : new[] { record.QemuPid, record.SwtpmPid })
                {
                    StopIfOurs(pid, folder.Path);
                }
            }
            catch (JsonException e)
            {
                LogUnreadable(e, folder.Runtime);
            }
        }

        folder.RemoveRuntime();
    }

    private void StopIfOurs(int pid, string folderPath)
    {
        string commandLine;
        try
        {
            commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return;
        }

        if (!commandLine.Contains(folderPath, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(10));
            LogStoppedLeftover(pid, folderPath);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private static string Describe(HostResources r) => $"{r.Vcpus} vCPUs, {r.MemoryGiB} GiB memory, {r.StorageGiB} GiB storage";

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a half-written folder has no vm.json and is skipped on load.
        }
    }
}
