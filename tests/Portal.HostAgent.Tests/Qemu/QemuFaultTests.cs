using System.Diagnostics;
using System.Text;
using Portal.Core.Fabric.Protocol;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Hypervisor.Qemu;
using Portal.Testing;

namespace Portal.HostAgent.Tests.Qemu;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(GuestBuild.Collection)]
public sealed class QemuFaultTests(GuestBuild guest)
{
    [Fact]
    public async Task AWrongKey_IsRefusedAsWrongKey_AndNothingIsLeftRunning()
    {
        await using var host = new QemuHost(guest);
        var driver = host.Driver();
        var vm = await host.CreateAsync(driver, "wrong-key", QemuHost.NewKey());

        var refused = await Assert.ThrowsAsync<HypervisorException>(() => driver.StartAsync(vm.Id, QemuHost.NewKey(), CancellationToken.None));

        Assert.Equal(HypervisorError.WrongKey, refused.Error);
        Assert.Equal(VmPowerState.Off, driver.Find(vm.Id)!.State);
        Assert.Null(driver.ProcessIds(vm.Id));
        Assert.Contains(host.Started, p => p.Name == "qemu");
        Assert.Contains(host.Started, p => p.Name == "swtpm");
        Assert.All(host.Started, p => Assert.False(QemuHost.IsAlive(p.Pid), $"{p.Name} ({p.Pid}) is still running"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(host.DataFolder, "vms", vm.Id.ToString("N")), "*.sock"));
    }

    [Fact]
    public async Task TheDisk_OpensWithItsOwnKeyOnly()
    {
        await using var host = new QemuHost(guest);
        var driver = host.Driver();
        var key = QemuHost.NewKey();
        var vm = await host.CreateAsync(driver, "copied", key);
        var disk = Path.Combine(host.DataFolder, "vms", vm.Id.ToString("N"), "disk.qcow2");

        var withOther = await ReadDiskAsync(disk, QemuKeys.DiskPassphrase(QemuHost.NewKey()));
        var withOwn = await ReadDiskAsync(disk, QemuKeys.DiskPassphrase(key));

        Assert.Contains("Invalid password, cannot unlock any keyslot", withOther.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, withOther.ExitCode);
        Assert.Equal(0, withOwn.ExitCode);
    }

    [Fact]
    public async Task AChangedTemplate_IsRefused_AndLeavesNoVm()
    {
        await using var host = new QemuHost(guest);
        var driver = host.Driver();
        var wrongHash = Convert.ToHexString(new byte[48]);

        var refused = await Assert.ThrowsAsync<HypervisorException>(() => driver.CreateAsync(
            new VmDefinition(Guid.NewGuid(), "changed", QemuHost.Size, true), guest.TemplatePath, wrongHash, QemuHost.NewKey(), CancellationToken.None));

        Assert.Equal(HypervisorError.TemplateChanged, refused.Error);
        Assert.Empty(driver.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(host.DataFolder, "vms")));
    }

    [Fact]
    public async Task VmsOfAnEarlierAgentProcess_AreTurnedOff_AndAKilledQemu_IsReportedCrashed()
    {
        await using var host = new QemuHost(guest);
        var key = QemuHost.NewKey();
        var first = host.Driver(o => o.TurnOffVmsOnStop = false);
        var vm = await host.CreateAsync(first, "restarted", key);
        await first.StartAsync(vm.Id, key, CancellationToken.None);
        var left = first.ProcessIds(vm.Id)!.Value;
        await first.DisposeAsync();
        Assert.True(QemuHost.IsAlive(left.Qemu), "the VM outlived the agent that was told to leave it running");

        // The next agent process finds it and stops it by pid: no orphan keeps running with a key no one asked HGS for.
        var second = host.Driver();
        Assert.Equal(VmPowerState.Off, second.Find(vm.Id)!.State);
        Assert.False(QemuHost.IsAlive(left.Qemu));
        Assert.False(QemuHost.IsAlive(left.Swtpm));

        await second.StartAsync(vm.Id, key, CancellationToken.None);
        var pids = second.ProcessIds(vm.Id)!.Value;
        using (var qemu = Process.GetProcessById(pids.Qemu))
        {
            qemu.Kill(); // SIGKILL
        }

        var crashed = await Eventually.ValueAsync(
            () => Task.FromResult(second.Find(vm.Id)!), v => v.State == VmPowerState.Crashed, "the VM reported Crashed", TimeSpan.FromSeconds(30));
        Assert.Contains("signal 9", crashed.Fault, StringComparison.Ordinal);
        await Eventually.Async(() => Task.FromResult(!QemuHost.IsAlive(pids.Swtpm)), TimeSpan.FromSeconds(10), "swtpm stopped with its VM");
        Assert.Null(second.ProcessIds(vm.Id));
        await second.DeleteAsync(vm.Id, CancellationToken.None);
    }

    [Fact]
    public async Task TheKvmProbe_FallsBackToTcg_WithinItsTimeout()
    {
        await using var host = new QemuHost(guest);
        var timeout = TimeSpan.FromSeconds(3);
        var stopwatch = Stopwatch.StartNew();
        var driver = host.Driver(o =>
        {
            o.Acceleration = QemuAcceleration.Auto;
            o.KvmProbeTimeout = timeout;
        });

        var info = await driver.ProbeAsync();

        Assert.True(stopwatch.Elapsed < timeout + TimeSpan.FromSeconds(10), $"the probe took {stopwatch.Elapsed}");
        Assert.Equal("QEMU", info.Driver);
        Assert.StartsWith("7.", info.Version ?? "", StringComparison.Ordinal);
        if (!File.Exists("/dev/kvm"))
        {
            Assert.Equal("TCG (no /dev/kvm)", info.Acceleration);
        }
        else if (!File.ReadAllText("/proc/cpuinfo").Contains(" vmx", StringComparison.Ordinal) && !File.ReadAllText("/proc/cpuinfo").Contains(" svm", StringComparison.Ordinal))
        {
            // /dev/kvm without vmx/svm: a KVM guest hangs, so the probe must give up and say why.
            Assert.Equal("TCG (KVM probe: no guest output within 3 s)", info.Acceleration);
        }

        Assert.Equal(info, driver.Info);
        Assert.All(host.Started.Where(p => p.Name == "qemu-probe"), p => Assert.False(QemuHost.IsAlive(p.Pid)));
    }

    private static async Task<(int ExitCode, string Output)> ReadDiskAsync(string disk, byte[] passphrase)
    {
        var info = new ProcessStartInfo("qemu-img")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "convert", "--object", "secret,id=s0,file=/dev/stdin", "--image-opts",
                     $"driver=qcow2,encrypt.key-secret=s0,file.filename={disk}", "-O", "raw", disk + ".raw" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.BaseStream.WriteAsync(passphrase);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(disk + ".raw");
        return (process.ExitCode, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(await stderr)));
    }
}
