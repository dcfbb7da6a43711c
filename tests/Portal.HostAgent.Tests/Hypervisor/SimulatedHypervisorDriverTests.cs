using System.Text;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.HostAgent.Hypervisor;

namespace Portal.HostAgent.Tests.Hypervisor;

public sealed class SimulatedHypervisorDriverTests : IDisposable
{
    private const string Secret = "AdministratorPassword=Tenant-Secret-4711";
    private readonly DriverFolder _folder = new();
    private readonly byte[] _key = VmDiskCipher.NewKey();

    public void Dispose() => _folder.Dispose();

    private static VmDefinition Vm(string name, int vcpus = 2, int memory = 8, int storage = 40) =>
        new(Guid.NewGuid(), name, new HostResources(vcpus, memory, storage), Shielded: true);

    private TemplateFile Disk(int repeat = 200) =>
        _folder.Template(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Secret + "\n", repeat))));

    private static async Task<string> ReadAsync(SimulatedHypervisorDriver driver, Guid id, byte[] key)
    {
        using var plain = new MemoryStream();
        await driver.ReadDiskAsync(id, key, plain, CancellationToken.None);
        return Encoding.UTF8.GetString(plain.ToArray());
    }

    [Fact]
    public async Task Create_BeyondCapacity_IsRefused_AndLeavesNothingBehind()
    {
        var driver = _folder.Driver();
        await driver.CreateAsync(Vm("a", vcpus: 6), Disk(), _key, default);

        var tooMany = await Assert.ThrowsAsync<HypervisorException>(() => driver.CreateAsync(Vm("b", vcpus: 4), Disk(), _key, default));
        var tooBig = await Assert.ThrowsAsync<HypervisorException>(() => driver.CreateAsync(Vm("c", vcpus: 1, storage: 500), Disk(), _key, default));

        Assert.Equal(HypervisorError.CapacityExceeded, tooMany.Error);
        Assert.Contains("2 vCPUs", tooMany.Message);
        Assert.Equal(HypervisorError.CapacityExceeded, tooBig.Error);
        Assert.Single(driver.List());
        Assert.Single(Directory.GetDirectories(Path.Combine(_folder.Path, "vms")));
        Assert.Equal(new HostResources(6, 8, 40), driver.Used);
    }

    [Fact]
    public async Task Create_ConcurrentRequests_NeverOvercommit()
    {
        var driver = _folder.Driver();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            try
            {
                await driver.CreateAsync(Vm($"vm-{i}", vcpus: 1, memory: 8, storage: 10), Disk(1), _key, default);
                return true;
            }
            catch (HypervisorException e) when (e.Error == HypervisorError.CapacityExceeded)
            {
                return false;
            }
        }));

        Assert.Equal(4, attempts.Count(created => created));
        Assert.Equal(32, driver.Used.MemoryGiB);
    }

    [Fact]
    public async Task Create_WithoutAProperKey_IsRefused()
    {
        var driver = _folder.Driver();

        var error = await Assert.ThrowsAsync<HypervisorException>(() => driver.CreateAsync(Vm("a"), Disk(), new byte[16], default));

        Assert.Equal(HypervisorError.WrongKey, error.Error);
        Assert.Empty(driver.List());
    }

    [Fact]
    public async Task CopiedDisk_IsUselessWithoutTheKey()
    {
        var driver = _folder.Driver();
        var vm = await driver.CreateAsync(Vm("shielded"), Disk(), _key, default);
        var diskPath = Path.Combine(_folder.Path, "vms", vm.Id.ToString("N"), SimulatedHypervisorDriver.DiskFile);

        // The storage admin's copy: the bytes on disk never contain the secret...
        var stolen = await File.ReadAllBytesAsync(diskPath);
        Assert.DoesNotContain(Secret, Encoding.UTF8.GetString(stolen));
        Assert.True(stolen.AsSpan().IndexOf("Tenant-Secret"u8) < 0);

        // ...another host, with its own key, cannot open or boot it...
        using var otherFolder = new DriverFolder();
        var vmFolder = Path.Combine(otherFolder.Path, "vms", vm.Id.ToString("N"));
        Directory.CreateDirectory(vmFolder);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(diskPath)!))
        {
            File.Copy(file, Path.Combine(vmFolder, Path.GetFileName(file)));
        }

        var thief = otherFolder.Driver();
        var read = await Assert.ThrowsAsync<HypervisorException>(() => ReadAsync(thief, vm.Id, VmDiskCipher.NewKey()));
        var boot = await Assert.ThrowsAsync<HypervisorException>(() => thief.StartAsync(vm.Id, VmDiskCipher.NewKey(), default));
        Assert.Equal(HypervisorError.WrongKey, read.Error);
        Assert.Equal(HypervisorError.WrongKey, boot.Error);
        Assert.Equal(VmPowerState.Off, thief.Find(vm.Id)!.State);

        // ...and only the VM's own key opens it.
        Assert.StartsWith(Secret, await ReadAsync(thief, vm.Id, _key));
    }

    [Fact]
    public async Task Disk_TamperedTruncatedOrExtended_DoesNotOpen()
    {
        var driver = _folder.Driver();
        var vm = await driver.CreateAsync(Vm("a"), Disk(), _key, default);
        var diskPath = Path.Combine(_folder.Path, "vms", vm.Id.ToString("N"), SimulatedHypervisorDriver.DiskFile);
        var original = await File.ReadAllBytesAsync(diskPath);

        foreach (var damaged in new[]
                 {
                     Flip(original, original.Length / 2),
                     original[..^(1024 + 32)],
                     [.. original, .. original[26..60]],
                 })
        {
            await File.WriteAllBytesAsync(diskPath, damaged);
            var error = await Assert.ThrowsAsync<HypervisorException>(() => ReadAsync(driver, vm.Id, _key));
            Assert.Equal(HypervisorError.WrongKey, error.Error);
        }
    }

    [Fact]
    public async Task States_MoveOffStartingRunningStoppingOff_AndRefuseTheRest()
    {
        var driver = _folder.Driver();
        var vm = await driver.CreateAsync(Vm("a"), Disk(), _key, default);
        Assert.Equal(VmPowerState.Off, vm.State);

        await AssertRefusedAsync(() => driver.ShutDownAsync(vm.Id, default));
        await AssertRefusedAsync(() => driver.TurnOffAsync(vm.Id, default));
        Assert.Equal(VmPowerState.Running, (await driver.StartAsync(vm.Id, _key, default)).State);
        await AssertRefusedAsync(() => driver.StartAsync(vm.Id, _key, default));
        await AssertRefusedAsync(() => driver.DeleteAsync(vm.Id, default));
        Assert.Equal(VmPowerState.Off, (await driver.ShutDownAsync(vm.Id, default)).State);
        await driver.StartAsync(vm.Id, _key, default);
        Assert.Equal(VmPowerState.Off, (await driver.TurnOffAsync(vm.Id, default)).State);
        await driver.DeleteAsync(vm.Id, default);

        Assert.Empty(driver.List());
        Assert.Equal(HostResources.Zero, driver.Used);
        var missing = await Assert.ThrowsAsync<HypervisorException>(() => driver.StartAsync(vm.Id, _key, default));
        Assert.Equal(HypervisorError.NotFound, missing.Error);
    }

    [Fact]
    public async Task Start_TakesItsConfiguredTime_PassingThroughStarting()
    {
        var time = new StepClock();
        var driver = _folder.Driver(new SimulatedHypervisorOptions
        {
            CreateDelay = TimeSpan.Zero, StartDelay = TimeSpan.FromSeconds(30), StopDelay = TimeSpan.FromSeconds(10),
        }, time);
        var vm = await driver.CreateAsync(Vm("a"), Disk(), _key, default);

        var starting = driver.StartAsync(vm.Id, _key, default);
        Assert.Equal(VmPowerState.Starting, driver.Find(vm.Id)!.State);
        var bootTime = await time.RunAsync(starting);
        var running = await starting;

        Assert.InRange(bootTime, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(32));
        Assert.Equal(VmPowerState.Running, running.State);
        Assert.Equal(time.GetUtcNow(), running.StateChangedAt);
        var stopping = driver.ShutDownAsync(vm.Id, default);
        Assert.Equal(VmPowerState.Stopping, driver.Find(vm.Id)!.State);
        Assert.InRange(await time.RunAsync(stopping), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
        Assert.Equal(VmPowerState.Off, (await stopping).State);
    }

    [Fact]
    public async Task TurnOff_WhileStarting_WinsOverTheBoot()
    {
        var time = new StepClock();
        var driver = _folder.Driver(new SimulatedHypervisorOptions { CreateDelay = TimeSpan.Zero, StartDelay = TimeSpan.FromSeconds(5) }, time);
        var vm = await driver.CreateAsync(Vm("a"), Disk(), _key, default);

        var starting = driver.StartAsync(vm.Id, _key, default);
        await driver.TurnOffAsync(vm.Id, default);
        await time.RunAsync(starting);

        var error = await Assert.ThrowsAsync<HypervisorException>(() => starting);
        Assert.Equal(HypervisorError.InvalidState, error.Error);
        Assert.Equal(VmPowerState.Off, driver.Find(vm.Id)!.State);
    }

    [Fact]
    public async Task Restart_OfTheAgent_KeepsVmsButEveryOneIsOff_AndNeverStoresTheKey()
    {
        var driver = _folder.Driver();
        var running = await driver.CreateAsync(Vm("running"), Disk(), _key, default);
        var off = await driver.CreateAsync(Vm("off"), Disk(), _key, default);
        await driver.StartAsync(running.Id, _key, default);

        var again = _folder.Driver();

        Assert.Equal(VmPowerState.Off, again.Find(running.Id)!.State);
        Assert.Equal(VmPowerState.Off, again.Find(off.Id)!.State);
        Assert.Equal(driver.Used, again.Used);
        var everything = Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllBytes);
        Assert.All(everything, bytes => Assert.DoesNotContain(Convert.ToBase64String(_key), Encoding.UTF8.GetString(bytes)));
        Assert.All(Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories).Select(File.ReadAllBytes),
            bytes => Assert.False(bytes.AsSpan().IndexOf(_key) >= 0));
    }

    private static async Task AssertRefusedAsync(Func<Task> act)
    {
        var error = await Assert.ThrowsAsync<HypervisorException>(act);
        Assert.Equal(HypervisorError.InvalidState, error.Error);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x40;
        return copy;
    }
}
