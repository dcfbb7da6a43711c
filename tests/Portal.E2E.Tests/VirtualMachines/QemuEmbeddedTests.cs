using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Portal.Testing;
using static Portal.E2E.Tests.VirtualMachines.VmSteps;

namespace Portal.E2E.Tests.VirtualMachines;

/// <summary>
/// The embedded default where QEMU is installed: its host runs a real VM from the seeded guest template. A tenant
/// creates it in the browser, watches the guest specialise itself, and logs in on its serial console.
/// </summary>
public sealed class QemuEmbeddedTests(QemuEmbeddedPortalFixture portal) : BrowserTest(portal), IClassFixture<QemuEmbeddedPortalFixture>
{
    private const float BootMs = 180_000;

    [Fact]
    public async Task RegularVm_OnQemu_SpecialisesAtFirstBoot_AndItsConsoleOffersALogin()
    {
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());
        await SubscribeAsync(Page, "Demo: shielded VMs", "Demo");
        var wizard = new NewVirtualMachinePage(Page);
        await wizard.OpenAsync();
        await wizard.ChooseTemplateAsync("Demo Linux (shielded)");
        await wizard.ChooseSizeAsync("Small");
        var name = $"qemu-{Guid.NewGuid().ToString("N")[..6]}";
        await wizard.SetNameAsync(name);
        var vm = await wizard.CreateAsync(name);

        await vm.ExpectStateAsync("Running", BootMs);
        var vmId = Page.Url.Split('/').Last();
        var jobs = await (await Page.APIRequest.GetAsync($"/api/v1/vms/{vmId}/jobs")).TextAsync();
        Assert.Contains($"specialised as {name}", jobs, StringComparison.Ordinal);

        var console = new ConsolePanel(Page);
        await console.OpenAsync();
        await Assertions.Expect(console.State).ToHaveAttributeAsync("data-state", "Connected");
        await Assertions.Expect(console.Screen).ToContainTextAsync($"{name} login:");
        await console.TypeAsync("root");
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(console.Screen).ToContainTextAsync("Password:");
        await SaveScreenshotAsync(Page, "vm-console-qemu.png");
        await vm.ExpectNoCircuitErrorAsync();
        Assert.Empty(CspViolations);

        // The provider sees which hypervisor the host runs and how.
        var admin = await NewPageAsync();
        await new SignInPage(admin).SignInAsProviderAdminAsync();
        await admin.GotoAsync("/admin/fabric");
        var hypervisor = admin.Locator("[data-host='sim-host-1'] [data-testid='host-hypervisor']");
        await Assertions.Expect(hypervisor).ToContainTextAsync("QEMU");
        await Assertions.Expect(hypervisor).ToContainTextAsync("TCG");
    }
}

/// <summary>The embedded default on SQLite with one guarded host running QEMU (TCG) and the seeded offer built on the guest template.</summary>
public sealed class QemuEmbeddedPortalFixture() : PortalFixtureBase(postgres: false)
{
    private readonly GuestBuild _guest = new();

    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Portal:SeedDemoOffer", "true"),
        new("Fabric:SimulatedHosts:Count", "1"),
        new("Fabric:SimulatedHosts:HeartbeatIntervalSeconds", "1"),
        new("Fabric:SimulatedHosts:Hypervisor", "Qemu"),
        new("Fabric:SimulatedHosts:GuestFolder", _guest.Folder),
        new("Fabric:SimulatedHosts:Hosts:1:HostAgent:Qemu:Acceleration", "Tcg"),
    ];
}
