using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>
/// Real VMs on a Linux host with QEMU. Each VM is a private folder <c>{DataFolder}/vms/{id:N}/</c> (0700) holding its
/// configuration (<c>vm.json</c>, no secrets), its disk (<c>disk.qcow2</c>, LUKS-encrypted with a passphrase derived from
/// the VM key) and its vTPM state (<c>tpm/</c>, encrypted by swtpm with another key derived from it). The keys reach swtpm
/// and qemu-img through a pipe and QEMU over its monitor socket — never a file or the process list — and are zeroed here
/// once they hold them. VM state comes from QEMU's monitor events and its exit, never from guesses.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class QemuHypervisorDriver : IHypervisorDriver, IAsyncDisposable
{
    private const string DiskSecretId = "disk0-secret";
    private static readonly TimeSpan SocketTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly QemuHypervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<QemuHypervisorDriver> _logger;
    private readonly string _root;
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, VmInfo> _vms = [];
    private readonly Dictionary<Guid, RunningVm> _running = [];
    private readonly SemaphoreSlim _save = new(1, 1);
    private readonly Task<AccelerationChoice> _acceleration;
    private readonly string? _version;

    public QemuHypervisorDriver(
        IOptions<HostAgentOptions> agent,
        IOptions<QemuHypervisorOptions> options,
        TimeProvider time,
        ILogger<QemuHypervisorDriver> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _root = Path.Combine(Path.GetFullPath(agent.Value.DataFolder), "vms");
        Directory.CreateDirectory(_root, VmFolder.PrivateFolder);
        Capacity = agent.Value.Capacity?.ToResources() ?? HostCapacityProbe.Read(_root);
        _version = QemuVersion(_options.QemuBinary);
        _acceleration = KvmProbe.ChooseAsync(_options);
        Load();
    }

    /// <summary>
    /// Raised for every helper process any QEMU driver in this process starts (name: qemu, swtpm, qemu-img, qemu-probe;
    /// and its pid), before any secret is written to it. For diagnostics and tests.
    /// </summary>
    public static event Action<string, int>? ProcessStarted
    {
        add => ChildProcess.Started += value;
        remove => ChildProcess.Started -= value;
    }

    public HypervisorInfo Info => new("QEMU", _acceleration.IsCompletedSuccessfully ? _acceleration.Result.Description : "KVM probe running", _version);

    public HostResources Capacity { get; }

    public HostResources Used
    {
        get
        {
            lock (_lock)
            {
                return _vms.Values.Aggregate(HostResources.Zero, (total, vm) => total.Plus(vm.Size));
            }
        }
    }

    /// <summary>Waits for the KVM probe (if any) and returns how guests run here.</summary>
    public async Task<HypervisorInfo> ProbeAsync() => new("QEMU", (await _acceleration).Description, _version);

    public IReadOnlyList<VmInfo> List()
    {
        lock (_lock)
        {
            return [.. _vms.Values.OrderBy(v => v.Name, StringComparer.Ordinal)];
        }
    }

    public VmInfo? Find(Guid vmId)
    {
        lock (_lock)
        {
            return _vms.GetValueOrDefault(vmId);
        }
    }

    /// <summary>The pids of the QEMU and swtpm processes of a running VM (for diagnostics and tests).</summary>
    public (int Qemu, int Swtpm)? ProcessIds(Guid vmId)
    {
        lock (_lock)
        {
            return _running.TryGetValue(vmId, out var run) && run.Qemu is { } qemu ? (qemu.Pid, run.Swtpm.Pid) : null;
        }
    }

    public async Task<VmInfo> CreateAsync(
        VmDefinition definition, string templateDiskPath, string templateSha384, ReadOnlyMemory<byte> vmKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(templateDiskPath);
        if (vmKey.Length != QemuKeys.VmKeySize)
        {
            throw new HypervisorException(HypervisorError.WrongKey, $"A VM key is {QemuKeys.VmKeySize} bytes.");
        }

        var vm = new VmInfo(definition.Id, definition.Name, definition.Size, definition.Shielded, VmPowerState.Off, _time.GetUtcNow());
        lock (_lock)
        {
            if (_vms.ContainsKey(definition.Id))
            {
                throw new HypervisorException(HypervisorError.AlreadyExists, $"VM {definition.Id} already exists on this host.");
            }

            var used = _vms.Values.Aggregate(HostResources.Zero, (total, v) => total.Plus(v.Size));
            if (!used.Fits(definition.Size, Capacity))
            {
                throw new HypervisorException(HypervisorError.CapacityExceeded,
                    $"VM '{definition.Name}' needs {Describe(definition.Size)}; this host has {Describe(Capacity.Minus(used))} free.");
            }

            // Reserved before the slow part, so two creations racing cannot both fit into the same free space.
            _vms[vm.Id] = vm;
        }

        var folder = Folder(vm.Id);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            folder.CreatePrivate();

            // The template is copied into the private folder while hashed, so what qemu-img reads is what was verified.
            var copy = Path.Combine(folder.Path, "template.part");
            await using (var template = new FileStream(templateDiskPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            await using (var hashed = new HashingReadStream(template))
            await using (var target = new FileStream(copy, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await hashed.CopyToAsync(target, ct);
                if (!string.Equals(hashed.Sha384, templateSha384, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HypervisorException(HypervisorError.TemplateChanged,
                        "The template disk on this host no longer matches its verified hash; the VM was not created.");
                }
            }

            var passphrase = QemuKeys.DiskPassphrase(vmKey.Span);
            try
            {
                await QemuDiskImage.CreateAsync(_options.QemuImgBinary, copy, folder.Disk, passphrase, _options.LuksIterTimeMilliseconds, ct);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(passphrase);
                File.Delete(copy);
            }

            await SaveAsync(vm.Id, ct);
        }
        catch
        {
            lock (_lock)
            {
                _vms.Remove(vm.Id);
            }

            TryDelete(folder.Path);
            throw;
        }

        LogCreated(vm.Name, vm.Id, stopwatch.ElapsedMilliseconds);
        return vm;
    }

    public async Task<VmInfo> StartAsync(Guid vmId, ReadOnlyMemory<byte> vmKey, CancellationToken ct)
    {
        if (vmKey.Length != QemuKeys.VmKeySize)
        {
            throw new HypervisorException(HypervisorError.WrongKey, $"A VM key is {QemuKeys.VmKeySize} bytes.");
        }

        var folder = Folder(vmId);
        var vm = await MoveAsync(vmId, VmPowerState.Starting, null, ct, VmPowerState.Off, VmPowerState.Crashed);
        var stopwatch = Stopwatch.StartNew();
        AccelerationChoice acceleration;
        RunningVm run;
        var tpmKey = QemuKeys.TpmStateKey(vmKey.Span);
        try
        {
            acceleration = await _acceleration;
            folder.RemoveRuntime();
            Directory.CreateDirectory(folder.Tpm, VmFolder.PrivateFolder);
            run = new RunningVm(folder, StartSwtpm(folder));
            await run.Swtpm.WriteInputAndCloseAsync(tpmKey, ct);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(tpmKey);
            await MoveAsync(vmId, VmPowerState.Off, null, CancellationToken.None, VmPowerState.Starting);
            throw;
        }

        CryptographicOperations.ZeroMemory(tpmKey);
        lock (_lock)
        {
            _running[vmId] = run;
        }

        var passphrase = QemuKeys.DiskPassphrase(vmKey.Span);
        try
        {
            await WaitForSocketAsync(run.Swtpm, folder.TpmSocket, ct);
            run.Qemu = ChildProcess.Start("qemu", _options.QemuBinary, QemuArguments(vm, folder, acceleration), folder.Path);
            run.Qemu.CloseInput();
            _ = MonitorAsync(vmId, run);
            await File.WriteAllBytesAsync(folder.Runtime, JsonSerializer.SerializeToUtf8Bytes(new VmRuntimeRecord(run.Qemu.Pid, run.Swtpm.Pid), Json), ct);

            run.Qmp = await UntilExitAsync(run, QmpClient.ConnectAsync(folder.QmpSocket, e => OnEvent(run, e), SocketTimeout, ct));
            run.Console = await UntilExitAsync(run, SerialConsole.ConnectAsync(
                folder.ConsoleSocket, run.Markers.OnLine, _options.ConsoleHistoryBytes, SocketTimeout, ct));
            await OpenDiskAsync(vm, folder.Disk, run.Qmp, passphrase, ct);
            await run.Qmp.ExecuteAsync("cont", null, ct);
            var ready = await run.Markers.GuestReady.WaitAsync(_options.BootTimeout, ct);
            LogBooted(vm.Name, vmId, stopwatch.ElapsedMilliseconds, acceleration.Description, ready);
            return await MoveAsync(vmId, VmPowerState.Running, null, ct, VmPowerState.Starting);
        }
        catch (Exception e)
        {
            var crashed = run.Qemu is { HasExited: true } && !run.QuitRequested;
            await QuitAsync(run);
            if (e is HypervisorException { Error: HypervisorError.WrongKey })
            {
                throw;
            }

            var fault = Find(vmId)?.Fault;
            throw e switch
            {
                TimeoutException => new HypervisorException(HypervisorError.GuestFailed,
                    $"The guest did not report that it booted within {_options.BootTimeout.TotalSeconds:0} s; the VM was turned off.", e),
                OperationCanceledException => e,

                // swtpm cannot decrypt the vTPM state it was given: the key is not this VM's (or the state is damaged).
                _ when crashed && fault?.Contains("tpm-emulator: TPM result for CMD_INIT", StringComparison.Ordinal) == true =>
                    new HypervisorException(HypervisorError.WrongKey, $"The vTPM state of VM '{vm.Name}' does not open with this key.", e),
                _ when crashed => new HypervisorException(HypervisorError.HypervisorFailed, $"The VM did not start: {fault ?? e.Message}", e),
                HypervisorException => e,
                _ => new HypervisorException(HypervisorError.HypervisorFailed, $"The VM did not start: {e.Message}", e),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passphrase);
        }
    }

    public async Task<GuestSpecializationResult> SpecializeAsync(Guid vmId, ReadOnlyMemory<byte> archive, IProgress<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var vm = Get(vmId);
        RunningVm run;
        lock (_lock)
        {
            run = vm.State == VmPowerState.Running && _running.TryGetValue(vmId, out var r)
                ? r
                : throw new HypervisorException(HypervisorError.InvalidState, $"VM '{vm.Name}' is {vm.State}; only a running guest specialises itself.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.SpecializeTimeout);
        try
        {
            var before = await run.Markers.FirstBoot.WaitAsync(timeout.Token);
            if (before is not null)
            {
                await MarkSpecializedAsync(vmId, ct);
                progress.Report($"The guest was specialised before, as {before}.");
                return new GuestSpecializationResult(before, $"specialised as {before}");
            }

            progress.Report("The guest booted and waits for its specialisation.");
            var name = await HandOverAsync(run, archive, progress, timeout.Token);
            await MarkSpecializedAsync(vmId, ct);
            progress.Report($"The guest applied it and reported 'specialised as {name}'.");
            LogSpecialized(vm.Name, vmId, name);
            return new GuestSpecializationResult(name, $"specialised as {name}");
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new HypervisorException(HypervisorError.GuestFailed,
                $"The guest did not report its specialisation within {_options.SpecializeTimeout.TotalSeconds:0} s.", e);
        }
    }

    public async Task<VmInfo> ShutDownAsync(Guid vmId, CancellationToken ct)
    {
        var run = Running(vmId);
        await MoveAsync(vmId, VmPowerState.Stopping, null, ct, VmPowerState.Running);
        try
        {
            await run.Qmp!.ExecuteAsync("system_powerdown", null, ct);
            await run.Stopped.WaitAsync(_options.ShutdownTimeout, ct);
        }
        catch (Exception e) when (e is TimeoutException or QmpException or IOException or OperationCanceledException)
        {
            if (!run.Stopped.IsCompleted)
            {
                await MoveAsync(vmId, VmPowerState.Running, null, CancellationToken.None, VmPowerState.Stopping);
            }

            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new HypervisorException(HypervisorError.GuestFailed, e is TimeoutException
                ? $"The guest did not power off within {_options.ShutdownTimeout.TotalSeconds:0} s of the ACPI power button; it is still running (turn it off instead)."
                : $"QEMU did not pass on the power button: {e.Message}", e);
        }

        return Get(vmId);
    }

    public async Task<VmInfo> TurnOffAsync(Guid vmId, CancellationToken ct)
    {
        var vm = Get(vmId);
        if (vm.State is not (VmPowerState.Starting or VmPowerState.Running or VmPowerState.Stopping))
        {
            throw new HypervisorException(HypervisorError.InvalidState, $"VM '{vm.Name}' is {vm.State} and cannot be turned off.");
        }

        RunningVm? run;
        lock (_lock)
        {
            run = _running.GetValueOrDefault(vmId);
        }

        if (run is null)
        {
            return await MoveAsync(vmId, VmPowerState.Off, null, ct, VmPowerState.Starting, VmPowerState.Running, VmPowerState.Stopping);
        }

        await QuitAsync(run);
        return Get(vmId);
    }

    public Task DeleteAsync(Guid vmId, CancellationToken ct)
    {
        lock (_lock)
        {
            var vm = Get(vmId);
            if (vm.State is not (VmPowerState.Off or VmPowerState.Crashed) || _running.ContainsKey(vmId))
            {
                throw new HypervisorException(HypervisorError.InvalidState, $"VM '{vm.Name}' is {vm.State}; turn it off before deleting it.");
            }

            _vms.Remove(vmId);
        }

        Directory.Delete(Folder(vmId).Path, recursive: true);
        LogDeleted(vmId);
        return Task.CompletedTask;
    }

    public Task<Stream> OpenConsoleAsync(Guid vmId, CancellationToken ct)
    {
        var run = Running(vmId);
        return run.Console is { } console
            ? Task.FromResult(console.OpenViewer())
            : throw new HypervisorException(HypervisorError.InvalidState, "The VM's console is not connected yet.");
    }

    /// <summary>Turns off the VMs this process started when the agent stops (unless configured to leave them running).</summary>
    public async ValueTask DisposeAsync()
    {
        RunningVm[] running;
        lock (_lock)
        {
            running = [.. _running.Values];
        }

        if (_options.TurnOffVmsOnStop)
        {
            await Task.WhenAll(running.Select(QuitAsync));
        }
        else
        {
            foreach (var run in running)
            {
                await run.ReleaseAsync();
            }
        }

        _save.Dispose();
    }

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

    /// <summary>
    /// Writes the header and the archive to the guest's answer port, checks the guest's receipt (SHA-256) and waits for its
    /// report. The serial console's marker lines count too, and QEMU's exit ends the wait.
    /// </summary>
    private async Task<string> HandOverAsync(RunningVm run, ReadOnlyMemory<byte> archive, IProgress<string> progress, CancellationToken ct)
    {
        using var socket = await UnixSockets.ConnectAsync(run.Folder.AnswerSocket, SocketTimeout, ct);
        await using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        var expected = Convert.ToHexStringLower(SHA256.HashData(archive.Span));
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"TENANTPORTAL-SPECIALISATION 1 {archive.Length}\n"), ct);
        await stream.WriteAsync(archive, ct);
        await stream.FlushAsync(ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var fromPort = ReadAnswersAsync(stream, expected, archive.Length, progress, stop.Token);
        var finished = await Task.WhenAny(fromPort, run.Markers.Specialized);
        await stop.CancelAsync();
        return await finished;
    }

    private static async Task<string> ReadAnswersAsync(Stream stream, string expectedSha256, int length, IProgress<string> progress, CancellationToken ct)
    {
        var line = new List<byte>();
        var buffer = new byte[1];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                // The port closed without a report; the serial console's markers or QEMU's exit decide.
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }

            if (buffer[0] != (byte)'\n')
            {
                if (line.Count < 4096)
                {
                    line.Add(buffer[0]);
                }

                continue;
            }

            var text = Encoding.UTF8.GetString([.. line]).Trim();
            line.Clear();
            if (text.StartsWith("TENANTPORTAL-RECEIVED ", StringComparison.Ordinal))
            {
                var sha = text["TENANTPORTAL-RECEIVED ".Length..].Trim();
                if (!string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HypervisorException(HypervisorError.GuestFailed,
                        "The guest received different bytes than were sent (SHA-256 mismatch); its specialisation was not applied.");
                }

                progress.Report($"Handed the specialisation ({length} bytes) to the guest over its private channel; it confirmed receipt.");
            }
            else if (text.StartsWith(GuestMarkers.Specialised + " ", StringComparison.Ordinal))
            {
                return GuestMarkers.Field(text[GuestMarkers.Specialised.Length..].Trim(), "name") ?? "";
            }
            else if (text.StartsWith(GuestMarkers.Failed, StringComparison.Ordinal))
            {
                throw new HypervisorException(HypervisorError.GuestFailed,
                    $"The guest could not apply its specialisation: {GuestMarkers.Field(text[GuestMarkers.Failed.Length..].Trim(), "reason") ?? "no reason given"}.");
            }
        }
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

    private async Task MarkSpecializedAsync(Guid vmId, CancellationToken ct)
    {
        lock (_lock)
        {
            _vms[vmId] = Get(vmId) with { Specialized = true };
        }

        await SaveAsync(vmId, ct);
    }

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

    [LoggerMessage(LogLevel.Information, "Created VM {VmName} ({VmId}) with an encrypted qcow2 disk in {ElapsedMs} ms")]
    private partial void LogCreated(string vmName, Guid vmId, long elapsedMs);

    [LoggerMessage(LogLevel.Information, "VM {VmName} ({VmId}) booted in {ElapsedMs} ms ({Acceleration}): {GuestReport}")]
    private partial void LogBooted(string vmName, Guid vmId, long elapsedMs, string acceleration, string guestReport);

    [LoggerMessage(LogLevel.Information, "VM {VmName} ({VmId}) specialised itself as {ComputerName}")]
    private partial void LogSpecialized(string vmName, Guid vmId, string computerName);

    [LoggerMessage(LogLevel.Warning, "VM {VmId} crashed: {Fault}")]
    private partial void LogCrashed(Guid vmId, string fault);

    [LoggerMessage(LogLevel.Error, "Could not record how VM {VmId} stopped")]
    private partial void LogMonitorFailed(Exception exception, Guid vmId);

    [LoggerMessage(LogLevel.Information, "Deleted VM {VmId}")]
    private partial void LogDeleted(Guid vmId);

    [LoggerMessage(LogLevel.Warning, "Stopped process {Pid} left running for {VmFolder} by an earlier agent process")]
    private partial void LogStoppedLeftover(int pid, string vmFolder);

    [LoggerMessage(LogLevel.Warning, "Skipping unreadable VM file {File}")]
    private partial void LogUnreadable(Exception exception, string file);
}
