using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Core.Attestation;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.HostAgent.Attestation;
using Portal.HostAgent.Hypervisor;
using Portal.Web.Features.Fabric;
using Portal.Web.Infrastructure.Paging;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// A tenant's shielded VM through the portal's API, built and run by a real agent process with QEMU: the guest boots
/// from a LUKS disk with a vTPM, specialises itself from the shielding data at first boot, stops, starts with a fresh
/// key from HGS, and is deleted. Its folder, copied to a host that fails attestation, cannot be started there.
/// </summary>
[Collection(QemuFabricCollection.Name)]
public sealed class QemuFabricTests(QemuFabricFixture fabric)
{
    [Fact]
    public async Task ShieldedVm_OnAQemuHost_SpecialisesInTheGuest_StopsStartsAndIsDeleted_AndACopyIsUselessElsewhere()
    {
        var hosts = (await fabric.Admin.GetFromJsonAsync<Page<FabricHostDto>>("/api/admin/v1/fabric/hosts", FabricFixture.Json))!.Items;
        var host = hosts.Single(h => h.Name == "host-a");
        Assert.StartsWith("QEMU", host.Hypervisor, StringComparison.Ordinal);
        Assert.StartsWith("TCG", host.Acceleration, StringComparison.Ordinal);

        var (vm, create) = await fabric.CreateVmAsync("qemu-shielded", shielded: true);
        var created = await fabric.SucceededAsync(create, QemuFabricFixture.VmDeadline);

        var specialised = created.Steps.Single(s => s.Kind == JobStepKind.SpecializeGuest);
        Assert.Equal(JobStepState.Succeeded, specialised.State);
        Assert.Contains("specialised as qemu-shielded", specialised.Message, StringComparison.Ordinal);
        Assert.Equal(VmState.Running, (await fabric.VmAsync(vm.Id)).State);
        var folder = fabric.HostA.VmFolder(vm.Id);
        Assert.True(File.Exists(Path.Combine(folder, "disk.qcow2")));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(folder, "tpm"), "*", SearchOption.AllDirectories));
        Assert.Contains("tpm0=present", fabric.HostA.Process.Output, StringComparison.Ordinal);

        await fabric.SucceededAsync(await fabric.RequestAsync(vm.Id, "shutdown"), QemuFabricFixture.VmDeadline);
        Assert.Equal(VmState.Stopped, (await fabric.VmAsync(vm.Id)).State);
        var started = await fabric.SucceededAsync(await fabric.RequestAsync(vm.Id, "start"), QemuFabricFixture.VmDeadline);
        Assert.Equal(VmState.Running, (await fabric.VmAsync(vm.Id)).State);
        Assert.Equal(JobStepState.Succeeded, started.Steps.Single(s => s.Kind == JobStepKind.ReleaseKeyProtector).State);
        await fabric.SucceededAsync(await fabric.RequestAsync(vm.Id, "shutdown"), QemuFabricFixture.VmDeadline);

        await CopyIsUselessOnAHostThatFailsAttestationAsync(vm.Id, folder);
        MarkerIsNowhere();

        await fabric.SucceededAsync(await fabric.RequestAsync(vm.Id, null), QemuFabricFixture.VmDeadline);
        Assert.False(Directory.Exists(folder));
    }

    /// <summary>
    /// A storage admin's copy of the VM folder (LUKS qcow2 + encrypted vTPM state) on host-c, whose TPM measured Secure
    /// Boot off: HGS refuses it a health certificate, so no key protector is released to it, and no other key opens the disk.
    /// </summary>
    private async Task CopyIsUselessOnAHostThatFailsAttestationAsync(Guid vmId, string folder)
    {
        var hostC = Path.Combine(fabric.Root, "host-c");
        await fabric.RegisterWithHgsAsync("host-c", hostC);
        Copy(folder, Path.Combine(hostC, "vms", vmId.ToString("N")));
        var protector = await fabric.WithDbAsync(db => db.VirtualMachines.Where(v => v.Id == vmId).Select(v => v.KeyProtector).SingleAsync());

        using var agent = HostC(hostC);
        var driver = agent.Services.GetRequiredService<IHypervisorDriver>();
        Assert.Equal(VmPowerState.Off, driver.Find(vmId)?.State);

        var outcome = await agent.Services.GetRequiredService<IHostHealth>().AttestNowAsync(CancellationToken.None);
        Assert.Equal(AttestationStatus.InsecureHostConfiguration, outcome.Status);
        Assert.Equal(AttestationSubStatus.SecureBoot, outcome.SubStatus);
        var refused = await Assert.ThrowsAsync<KeyReleaseRefusedException>(() =>
            agent.Services.GetRequiredService<IKeyReleaseClient>().ReleaseKeyProtectorAsync(protector!, CancellationToken.None));
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));

        var wrongKey = await Assert.ThrowsAsync<HypervisorException>(() => driver.StartAsync(vmId, RandomNumberGenerator.GetBytes(32), CancellationToken.None));
        Assert.True(wrongKey.Error == HypervisorError.WrongKey, $"{wrongKey.Error}: {wrongKey.Message}");
        Assert.Contains("does not open with this key", wrongKey.Message, StringComparison.Ordinal);
        Assert.NotEqual(VmPowerState.Running, driver.Find(vmId)?.State);
        await ((IAsyncDisposable)driver).DisposeAsync();

        var disk = Path.Combine(hostC, "vms", vmId.ToString("N"), "disk.qcow2");
        var (exitCode, errors) = await OpenWithAnotherKeyAsync(disk);
        Assert.True(exitCode != 0 && errors.Contains("Invalid password, cannot unlock any keyslot", StringComparison.Ordinal), errors);
    }

    /// <summary>qemu-img reading the copied qcow2 with a random passphrase (random, so the command line may hold it).</summary>
    private static async Task<(int ExitCode, string Errors)> OpenWithAnotherKeyAsync(string disk)
    {
        var start = new System.Diagnostics.ProcessStartInfo("qemu-img") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            "convert", "--object", $"secret,id=s0,data={Convert.ToHexString(RandomNumberGenerator.GetBytes(32))}", "--image-opts",
            $"driver=qcow2,encrypt.key-secret=s0,file.driver=file,file.filename={disk}", "-O", "raw", disk + ".raw",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(disk + ".raw");
        return (process.ExitCode, await errors);
    }

    /// <summary>The tenant's marker (in the administrator password and the answer file) is in no file of any host, HGS or the portal, and in no log.</summary>
    private void MarkerIsNowhere()
    {
        var forms = SecretLeakFabricTests.Forms(fabric.Marker);
        var places = new List<(string Name, byte[] Content)> { ("portal logs", Encoding.UTF8.GetBytes(fabric.PortalLogs.Text)) };
        places.AddRange(fabric.Processes.Select((p, i) => ($"output of process {i}", Encoding.UTF8.GetBytes(p.Output))));
        var files = Directory.EnumerateFiles(fabric.Root, "*", SearchOption.AllDirectories).ToList();
        places.AddRange(files.Select(f => (Path.GetRelativePath(fabric.Root, f), File.ReadAllBytes(f))));

        Assert.Contains(files, f => f.EndsWith("disk.qcow2", StringComparison.Ordinal));
        var hits = places.SelectMany(p => forms.Where(f => p.Content.AsSpan().IndexOf(f.Bytes) >= 0).Select(f => $"{p.Name} ({f.Name})")).ToList();
        Assert.True(hits.Count == 0, "The marker leaked into:\n" + string.Join("\n", hits));
    }

    /// <summary>host-c's agent, composed as its process would be but not started: its TPM, HGS client and QEMU driver.</summary>
    private IHost HostC(string folder)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HostAgent:PortalUrl"] = fabric.PortalUrl.ToString(),
            ["HostAgent:HgsUrl"] = fabric.HgsUrl.ToString(),
            ["HostAgent:HostName"] = "host-c",
            ["HostAgent:DataFolder"] = folder,
            ["HostAgent:Simulate:SecureBootOff"] = "true",
            ["HostAgent:Hypervisor"] = "Qemu",
            ["HostAgent:Qemu:GuestFolder"] = fabric.Guest.Folder,
            ["HostAgent:Qemu:Acceleration"] = "Tcg",
            ["HostAgent:Qemu:BootTimeout"] = "00:00:30",
        });
        builder.Services.AddLogging();
        builder.AddHostAgent();
        return builder.Build();
    }

    private static void Copy(string from, string to)
    {
        // Files only: a stopped VM's folder holds no sockets, but a copy would skip them anyway.
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".sock", StringComparison.Ordinal)))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
