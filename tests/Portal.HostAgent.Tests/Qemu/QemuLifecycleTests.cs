using System.Diagnostics;
using System.Text;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Shielding.DataFiles;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Hypervisor.Qemu;
using Portal.HostAgent.Jobs;
using Xunit.Abstractions;

using Portal.Testing;

namespace Portal.HostAgent.Tests.Qemu;

/// <summary>Real guests under QEMU (TCG), from the guest build; each boot costs a few seconds of CPU, so boots are few.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(GuestBuild.Collection)]
public sealed class QemuLifecycleTests(GuestBuild guest, ITestOutputHelper output)
{
    private const string PasswordMarker = "Marker-Pa55word-7f3c9e";

    [Fact]
    public async Task AShieldedVm_BootsSpecialisesShowsItsConsole_ShutsDown_StartsAgainSpecialised_TurnsOff_AndIsDeleted()
    {
        await using var host = new QemuHost(guest);
        var driver = host.Driver();
        var key = QemuHost.NewKey();
        var keyTexts = KeyTexts(key);
        var commandLines = new List<string>();
        host.OnProcessStarted = (_, pid) =>
        {
            // Read while the process waits for its secret on stdin: the key must not be on its command line.
            try
            {
                lock (commandLines)
                {
                    commandLines.Add(QemuHost.CommandLine(pid));
                }
            }
            catch (IOException)
            {
            }
        };

        var stopwatch = Stopwatch.StartNew();
        var vm = await host.CreateAsync(driver, "web-01", key);
        output.WriteLine($"create: {stopwatch.ElapsedMilliseconds} ms");
        var folder = Path.Combine(host.DataFolder, "vms", vm.Id.ToString("N"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        var disk = await File.ReadAllBytesAsync(Path.Combine(folder, "disk.qcow2"));
        Assert.True(disk.AsSpan().StartsWith(new byte[] { 0x51, 0x46, 0x49, 0xfb }), "the disk is a qcow2 image");
        Assert.True(disk.AsSpan().IndexOf(new byte[] { 0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe }) >= 0, "the qcow2 carries a LUKS header");

        stopwatch.Restart();
        var running = await driver.StartAsync(vm.Id, key, CancellationToken.None);
        output.WriteLine($"first boot to READY: {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(VmPowerState.Running, running.State);
        var pids = driver.ProcessIds(vm.Id) ?? throw new InvalidOperationException("no processes");
        commandLines.Add(QemuHost.CommandLine(pids.Qemu));
        commandLines.Add(QemuHost.CommandLine(pids.Swtpm));

        var progress = new List<string>();
        var archive = GuestSpecialization.Build(
            "web-01", ShieldingPayload.Create(PasswordMarker, "<unattend>@ComputerName@</unattend>"), JobSteps.Substitutions(new Portal.Core.Fabric.Protocol.VmSpec(vm.Id, "web-01", QemuHost.Size, true, null, null, null, true)));
        stopwatch.Restart();
        var specialised = await driver.SpecializeAsync(vm.Id, archive, new SyncProgress(progress), CancellationToken.None);
        output.WriteLine($"specialise: {stopwatch.ElapsedMilliseconds} ms; {string.Join(" | ", progress)}");
        Assert.Equal("specialised as web-01", specialised.Report);
        Assert.Contains(progress, p => p.StartsWith("The guest booted", StringComparison.Ordinal));
        Assert.Contains(progress, p => p.StartsWith($"Handed the specialisation ({archive.Length} bytes)", StringComparison.Ordinal));
        Assert.Contains(progress, p => p.Contains("'specialised as web-01'", StringComparison.Ordinal));
        Assert.True(driver.Find(vm.Id)!.Specialized);
        Assert.Contains("\"specialized\": true", await File.ReadAllTextAsync(Path.Combine(folder, "vm.json")), StringComparison.Ordinal);

        // The console: a new viewer sees the login prompt; what it types reaches the guest, whose answers reach every viewer.
        await using (var console = await driver.OpenConsoleAsync(vm.Id, CancellationToken.None))
        await using (var second = await driver.OpenConsoleAsync(vm.Id, CancellationToken.None))
        {
            var screen = new ConsoleScreen(console);
            var other = new ConsoleScreen(second);
            await screen.WaitForAsync("web-01 login:");
            await screen.TypeAsync("root\n");
            await screen.WaitForAsync("Password:");
            await screen.TypeAsync(PasswordMarker + "\n");
            await screen.TypeAsync("echo hello-$((6*7))\n");
            await screen.WaitForAsync("hello-42");
            await other.WaitForAsync("hello-42");
        }

        stopwatch.Restart();
        var off = await driver.ShutDownAsync(vm.Id, CancellationToken.None);
        output.WriteLine($"ACPI shutdown: {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(VmPowerState.Off, off.State);
        Assert.Null(off.Fault);
        Assert.False(QemuHost.IsAlive(pids.Qemu));
        Assert.False(QemuHost.IsAlive(pids.Swtpm));

        // A later start (the key released again) boots the already specialised guest, which does not ask again.
        stopwatch.Restart();
        await driver.StartAsync(vm.Id, (byte[])key.Clone(), CancellationToken.None);
        output.WriteLine($"second boot to READY: {stopwatch.ElapsedMilliseconds} ms");
        var again = await driver.SpecializeAsync(vm.Id, GuestSpecialization.Build("other"), new SyncProgress(progress), CancellationToken.None);
        Assert.Equal("web-01", again.ComputerName);
        var second2 = driver.ProcessIds(vm.Id)!.Value;
        commandLines.Add(QemuHost.CommandLine(second2.Qemu));
        commandLines.Add(QemuHost.CommandLine(second2.Swtpm));

        Assert.Equal(VmPowerState.Off, (await driver.TurnOffAsync(vm.Id, CancellationToken.None)).State);
        Assert.False(QemuHost.IsAlive(second2.Qemu));
        Assert.False(QemuHost.IsAlive(second2.Swtpm));

        // Nothing secret on any process list, under the data folder, in the disk's raw bytes or in the logs.
        Assert.Contains(host.Started, p => p.Name == "qemu-img");
        Assert.Contains(commandLines, c => c.Contains("qemu-img", StringComparison.Ordinal));
        foreach (var line in commandLines)
        {
            foreach (var text in keyTexts)
            {
                Assert.DoesNotContain(text, line, StringComparison.OrdinalIgnoreCase);
            }
        }

        var secrets = keyTexts.Select(Encoding.ASCII.GetBytes).Append(Encoding.UTF8.GetBytes(PasswordMarker)).Append(key).ToList();
        foreach (var file in Directory.EnumerateFiles(host.DataFolder, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var secret in secrets)
            {
                Assert.True(bytes.AsSpan().IndexOf(secret) < 0, $"{file} holds a secret");
            }
        }

        Assert.DoesNotContain(PasswordMarker, host.Logs.Text, StringComparison.Ordinal);
        Assert.Contains("specialised itself as web-01", host.Logs.Text, StringComparison.Ordinal);

        await driver.DeleteAsync(vm.Id, CancellationToken.None);
        Assert.False(Directory.Exists(folder));
        Assert.Null(driver.Find(vm.Id));
    }

    /// <summary>The key as raw hex and base64, and the derived disk passphrase and vTPM key as the texts a leak would show.</summary>
    private static List<string> KeyTexts(byte[] key) =>
    [
        Convert.ToHexString(key),
        Convert.ToBase64String(key),
        Encoding.ASCII.GetString(QemuKeys.DiskPassphrase(key)),
        Convert.ToHexString(QemuKeys.TpmStateKey(key)),
        Convert.ToBase64String(QemuKeys.TpmStateKey(key)),
    ];
}
