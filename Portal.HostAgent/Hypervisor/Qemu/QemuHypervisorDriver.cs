using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
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

            // QEMU has exited by now and its output is drained: what it said decides, not which failure was noticed first.
            var said = $"{fault} {e.Message} {run.Qemu?.OutputTail}";
            throw e switch
            {
                TimeoutException => new HypervisorException(HypervisorError.GuestFailed,
                    $"The guest did not report that it booted within {_options.BootTimeout.TotalSeconds:0} s; the VM was turned off.", e),
                OperationCanceledException => e,

                // swtpm cannot decrypt the vTPM state it was given: the key is not this VM's (or the state is damaged).
                _ when said.Contains("tpm-emulator: TPM result for CMD_INIT", StringComparison.Ordinal) =>
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
}
