using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Hypervisor.Qemu;

namespace Portal.HostAgent.Tests.Qemu;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class QemuSetupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tpq-setup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task HypervisorQemu_ChoosesTheQemuDriver_WithItsCapacityReadFromTheHost()
    {
        var guest = GuestFolder();
        using var host = Build(new() { ["HostAgent:Hypervisor"] = "Qemu", ["HostAgent:Qemu:GuestFolder"] = guest, ["HostAgent:Qemu:Acceleration"] = "Tcg" });

        var driver = Assert.IsType<QemuHypervisorDriver>(host.Services.GetRequiredService<IHypervisorDriver>());

        Assert.Equal("QEMU", driver.Info.Driver);
        Assert.Equal("TCG (configured)", driver.Info.Acceleration);
        Assert.Equal(Environment.ProcessorCount, driver.Capacity.Vcpus);
        Assert.True(driver.Capacity.MemoryGiB >= 1);
        await driver.DisposeAsync();
    }

    [Fact]
    public void ConfiguredCapacity_WinsOverTheHosts()
    {
        using var host = Build(new()
        {
            ["HostAgent:Hypervisor:Driver"] = "qemu",
            ["HostAgent:Qemu:GuestFolder"] = GuestFolder(),
            ["HostAgent:Qemu:Acceleration"] = "Tcg",
            ["HostAgent:Capacity:Vcpus"] = "3",
            ["HostAgent:Capacity:MemoryGiB"] = "5",
            ["HostAgent:Capacity:StorageGiB"] = "7",
        });

        Assert.Equal(new Portal.Core.Fabric.HostResources(3, 5, 7), host.Services.GetRequiredService<IHypervisorDriver>().Capacity);
    }

    [Fact]
    public void TheSimulatedDriver_StaysTheDefault()
    {
        using var host = Build([]);

        Assert.IsType<SimulatedHypervisorDriver>(host.Services.GetRequiredService<IHypervisorDriver>());
    }

    [Fact]
    public async Task AMissingGuestKernelOrBinary_StopsTheStart_WithAClearMessage()
    {
        using var host = Build(new()
        {
            ["HostAgent:Hypervisor"] = "Qemu",
            ["HostAgent:Qemu:GuestFolder"] = Path.Combine(_folder, "no-guest"),
            ["HostAgent:Qemu:SwtpmBinary"] = "/nonexistent/swtpm",
        });

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("vmlinuz is missing; build the guest with guest/build.sh", refused.Message, StringComparison.Ordinal);
        Assert.Contains("HostAgent:Qemu:SwtpmBinary: '/nonexistent/swtpm' is not an executable file or on PATH (install the Debian package swtpm)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownHypervisor_IsRefused()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Build(new() { ["HostAgent:Hypervisor"] = "HyperV" }));

        Assert.Equal("HostAgent:Hypervisor is 'HyperV'; use Simulated or Qemu.", refused.Message);
    }

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        settings["HostAgent:DataFolder"] = Path.Combine(_folder, "data");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddHostAgent();
        return builder.Build();
    }

    /// <summary>Validation looks for the files; this test's driver never boots them.</summary>
    private string GuestFolder()
    {
        var guest = Directory.CreateDirectory(Path.Combine(_folder, "guest")).FullName;
        File.WriteAllBytes(Path.Combine(guest, "vmlinuz"), []);
        File.WriteAllBytes(Path.Combine(guest, "initrd.gz"), []);
        return guest;
    }
}
