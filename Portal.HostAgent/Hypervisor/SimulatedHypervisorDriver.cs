using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Hypervisor;

/// <summary>
/// A Hyper-V host simulated faithfully enough to be honest about what matters: each VM is a folder under
/// <c>{DataFolder}/vms/{id}</c> with its configuration (<c>vm.json</c>, no secrets) and its disk (<c>disk.tpvd</c>,
/// encrypted with the VM's key, see <see cref="VmDiskCipher"/>). A VM boots only with the key that opens its disk, so a
/// copied VM folder is useless on a host that cannot get the key. States move Off → Starting → Running → Stopping → Off
/// with configurable step timings; the host's capacity is never overcommitted.
/// </summary>
public sealed class SimulatedHypervisorDriver : IHypervisorDriver
{
    public const string ConfigurationFile = "vm.json";
    public const string DiskFile = "disk.tpvd";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly SimulatedHypervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SimulatedHypervisorDriver> _logger;
    private readonly string _root;
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, VmInfo> _vms = [];

    // A running VM's key, as a real hypervisor holds it in memory while the VM runs; dropped when it stops.
    private readonly Dictionary<Guid, byte[]> _runningKeys = [];
    private readonly SemaphoreSlim _save = new(1, 1);

    public SimulatedHypervisorDriver(
        IOptions<HostAgentOptions> agent,
        IOptions<SimulatedHypervisorOptions> options,
        TimeProvider time,
        ILogger<SimulatedHypervisorDriver> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        Capacity = (agent.Value.Capacity ?? new HostCapacityOptions()).ToResources();
        _root = Path.Combine(Path.GetFullPath(agent.Value.DataFolder), "vms");
        Directory.CreateDirectory(_root);
        Load();
    }

    public HypervisorInfo Info { get; } = new("Simulated", "none");

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

    public async Task<VmInfo> CreateAsync(
        VmDefinition definition, string templateDiskPath, string templateSha384, ReadOnlyMemory<byte> vmKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(templateDiskPath);
        if (vmKey.Length != VmDiskCipher.KeySize)
        {
            throw new HypervisorException(HypervisorError.WrongKey, $"A VM key is {VmDiskCipher.KeySize} bytes.");
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
        try
        {
            Directory.CreateDirectory(folder);
            await Task.Delay(_options.CreateDelay, _time, ct);
            var diskPath = Path.Combine(folder, DiskFile);
            await using (var template = new FileStream(templateDiskPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            await using (var hashed = new HashingReadStream(template))
            await using (var disk = new FileStream(diskPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await VmDiskCipher.EncryptAsync(hashed, disk, vmKey, _options.DiskChunkSize, ct);

                // The file was verified before; what counts is that the bytes written are still those bytes.
                if (!string.Equals(hashed.Sha384, templateSha384, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HypervisorException(HypervisorError.TemplateChanged,
                        "The template disk changed on this host while the VM's disk was written; the VM was not created.");
                }
            }

            await SaveAsync(vm, ct);
        }
        catch
        {
            lock (_lock)
            {
                _vms.Remove(vm.Id);
            }

            TryDelete(folder);
            throw;
        }

        _logger.LogInformation("Created VM {VmName} ({VmId})", vm.Name, vm.Id);
        return vm;
    }

    public async Task<VmInfo> StartAsync(Guid vmId, ReadOnlyMemory<byte> vmKey, CancellationToken ct)
    {
        await MoveAsync(vmId, VmPowerState.Starting, ct, VmPowerState.Off, VmPowerState.Crashed);
        await Task.Delay(_options.StartDelay, _time, ct);
        try
        {
            // Booting reads the disk: only the VM's own key opens it.
            await ReadDiskAsync(vmId, vmKey, Stream.Null, ct);
        }
        catch (HypervisorException e) when (e.Error == HypervisorError.WrongKey)
        {
            await MoveAsync(vmId, VmPowerState.Off, ct, VmPowerState.Starting);
            throw;
        }

        lock (_lock)
        {
            _runningKeys[vmId] = vmKey.ToArray();
        }

        return await MoveAsync(vmId, VmPowerState.Running, ct, VmPowerState.Starting);
    }

    /// <summary>The simulated guest reads the archive and keeps it at the end of its (encrypted) disk, as a real guest writes it to its own.</summary>
    public async Task<GuestSpecializationResult> SpecializeAsync(Guid vmId, ReadOnlyMemory<byte> archive, IProgress<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var vm = Find(vmId) ?? throw new HypervisorException(HypervisorError.NotFound, $"VM {vmId} is not on this host.");
        byte[] key;
        lock (_lock)
        {
            key = vm.State == VmPowerState.Running && _runningKeys.TryGetValue(vmId, out var running)
                ? (byte[])running.Clone()
                : throw new HypervisorException(HypervisorError.InvalidState, $"VM '{vm.Name}' is {vm.State}; only a running guest specialises itself.");
        }

        try
        {
            IReadOnlyDictionary<string, byte[]> entries;
            try
            {
                entries = GuestSpecialization.Read(archive);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                throw new HypervisorException(HypervisorError.GuestFailed, $"The guest refused its specialisation: {e.Message}", e);
            }

            var name = System.Text.Encoding.UTF8.GetString(entries[GuestSpecialization.ComputerNameEntry]);
            progress.Report($"The guest received its specialisation ({entries.Count} items).");
            using var plain = new MemoryStream();
            await ReadDiskAsync(vmId, key, plain, ct);
            GuestSpecialization.AppendToDisk(plain, archive.Span);
            plain.Position = 0;
            var path = Path.Combine(Folder(vmId), DiskFile);
            await using (var disk = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await VmDiskCipher.EncryptAsync(plain, disk, key, _options.DiskChunkSize, ct);
            }

            CryptographicOperations.ZeroMemory(plain.GetBuffer());
            File.Move(path + ".tmp", path, overwrite: true);
            lock (_lock)
            {
                _vms[vmId] = Get(vmId) with { Specialized = true };
            }

            await SaveAsync(Get(vmId), ct);
            return new GuestSpecializationResult(name, $"specialised as {name}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    public async Task<VmInfo> ShutDownAsync(Guid vmId, CancellationToken ct)
    {
        await MoveAsync(vmId, VmPowerState.Stopping, ct, VmPowerState.Running);
        await Task.Delay(_options.StopDelay, _time, ct);
        return await MoveAsync(vmId, VmPowerState.Off, ct, VmPowerState.Stopping);
    }

    public Task<VmInfo> TurnOffAsync(Guid vmId, CancellationToken ct) =>
        MoveAsync(vmId, VmPowerState.Off, ct, VmPowerState.Starting, VmPowerState.Running, VmPowerState.Stopping);

    public Task<Stream> OpenConsoleAsync(Guid vmId, CancellationToken ct)
    {
        var vm = Find(vmId) ?? throw new HypervisorException(HypervisorError.NotFound, $"VM {vmId} is not on this host.");
        if (vm.State != VmPowerState.Running)
        {
            throw new HypervisorException(HypervisorError.InvalidState, $"VM '{vm.Name}' is {vm.State}; only a running VM has a serial console.");
        }

        return Task.FromResult<Stream>(new Consoles.SimulatedSerialConsole(vm.Name));
    }

    public Task DeleteAsync(Guid vmId, CancellationToken ct)
    {
        lock (_lock)
        {
            var vm = Get(vmId);
            if (vm.State is not (VmPowerState.Off or VmPowerState.Crashed))
            {
                throw new HypervisorException(HypervisorError.InvalidState, $"VM '{vm.Name}' is {vm.State}; turn it off before deleting it.");
            }

            _vms.Remove(vmId);
        }

        Directory.Delete(Folder(vmId), recursive: true);
        _logger.LogInformation("Deleted VM {VmId}", vmId);
        return Task.CompletedTask;
    }

    public async Task ReadDiskAsync(Guid vmId, ReadOnlyMemory<byte> vmKey, Stream destination, CancellationToken ct)
    {
        var vm = Find(vmId) ?? throw new HypervisorException(HypervisorError.NotFound, $"VM {vmId} is not on this host.");
        if (vmKey.Length != VmDiskCipher.KeySize)
        {
            throw new HypervisorException(HypervisorError.WrongKey, $"A VM key is {VmDiskCipher.KeySize} bytes.");
        }

        await using var disk = new FileStream(Path.Combine(Folder(vm.Id), DiskFile), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        try
        {
            await VmDiskCipher.DecryptAsync(disk, destination, vmKey, ct);
        }
        catch (CryptographicException e)
        {
            throw new HypervisorException(HypervisorError.WrongKey, $"The disk of VM '{vm.Name}' does not open with this key.", e);
        }
    }

    private async Task<VmInfo> MoveAsync(Guid vmId, VmPowerState next, CancellationToken ct, params VmPowerState[] from)
    {
        VmInfo moved;
        lock (_lock)
        {
            var vm = Get(vmId);
            if (!from.Contains(vm.State))
            {
                throw new HypervisorException(HypervisorError.InvalidState, $"VM '{vm.Name}' is {vm.State} and cannot become {next}.");
            }

            moved = vm with { State = next, StateChangedAt = _time.GetUtcNow() };
            _vms[vmId] = moved;
            if (next is VmPowerState.Off or VmPowerState.Crashed && _runningKeys.Remove(vmId, out var key))
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }

        await SaveAsync(moved, ct);
        return moved;
    }

    private VmInfo Get(Guid vmId) =>
        _vms.GetValueOrDefault(vmId) ?? throw new HypervisorException(HypervisorError.NotFound, $"VM {vmId} is not on this host.");

    private string Folder(Guid vmId) => Path.Combine(_root, vmId.ToString("N"));

    /// <summary>Writes the VM's current configuration; saves are serialised so an older state never overwrites a newer one.</summary>
    private async Task SaveAsync(VmInfo vm, CancellationToken ct)
    {
        await _save.WaitAsync(ct);
        try
        {
            var current = Find(vm.Id);
            if (current is null)
            {
                return;
            }

            var path = Path.Combine(Folder(vm.Id), ConfigurationFile);
            var temporary = path + ".tmp";
            await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(current, Json), ct);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            _save.Release();
        }
    }

    /// <summary>
    /// After a restart every VM is Off, as on a real host: its memory did not survive, and a copied folder is only a
    /// stopped VM. Running it again is a new start — for a shielded VM, one that asks HGS for its key. A creation the
    /// crash interrupted is removed, so it can be made again.
    /// </summary>
    private void Load()
    {
        foreach (var file in Directory.EnumerateFiles(_root, ConfigurationFile, SearchOption.AllDirectories))
        {
            try
            {
                var vm = JsonSerializer.Deserialize<VmInfo>(File.ReadAllBytes(file), Json);
                if (vm is null)
                {
                    continue;
                }

                _vms[vm.Id] = vm.State switch
                {
                    VmPowerState.Starting or VmPowerState.Running or VmPowerState.Stopping =>
                        vm with { State = VmPowerState.Off, StateChangedAt = _time.GetUtcNow() },
                    VmPowerState.Off or VmPowerState.Crashed => vm,
                };
            }
            catch (JsonException e)
            {
                _logger.LogWarning(e, "Skipping unreadable VM configuration {File}", file);
            }
        }

        // A creation cut short by a crash leaves a folder with no configuration: never a VM, only part of a disk.
        foreach (var folder in Directory.EnumerateDirectories(_root).Where(f => !File.Exists(Path.Combine(f, ConfigurationFile))))
        {
            _logger.LogWarning("Removing {Folder}: a VM's creation there was cut short", folder);
            TryDelete(folder);
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
            // Best effort: an orphaned half-written folder has no config file and is skipped on load.
        }
    }
}
