using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Portal.E2E.Tests.ShieldingData;
using static Portal.E2E.Tests.VirtualMachines.VmSteps;

namespace Portal.E2E.Tests.VirtualMachines;

/// <summary>What a newcomer gets from <c>dotnet run</c>: SQLite, simulated hosts, in-process HGS and the seeded offer.</summary>
public sealed partial class EmbeddedDemoOfferTests(EmbeddedDemoPortalFixture portal) : BrowserTest(portal), IClassFixture<EmbeddedDemoPortalFixture>
{
    private const string PlanName = "Demo: shielded VMs";
    private const string TemplateName = "Demo Linux (shielded)";

    [Fact]
    public async Task Newcomer_SubscribesToTheSeededOffer_MakesShieldingData_AndRunsAShieldedVm_WhichTheProviderSeesOnJobs()
    {
        var tenant = TestTenant.New();
        await new SignUpPage(Page).SignUpAsync(tenant);
        await SubscribeAsync(Page, PlanName, "Demo");
        using var machine = new Tool("newcomer");
        await MakeAndUploadShieldingDataAsync(Page, machine, TemplateName, "My first shielding data");

        var wizard = new NewVirtualMachinePage(Page);
        await wizard.OpenAsync();
        await Assertions.Expect(NewVirtualMachinePage.ShieldIcon(wizard.TemplateCard(TemplateName))).ToBeVisibleAsync();
        await wizard.ChooseTemplateAsync(TemplateName);
        await wizard.ChooseSizeAsync("Small");
        var name = $"demo-{Guid.NewGuid().ToString("N")[..6]}";
        await wizard.SetNameAsync(name);
        await wizard.TickShieldedAsync();
        await wizard.ChooseShieldingDataAsync("My first shielding data");
        var vm = await wizard.CreateAsync(name);

        await vm.ExpectInteractiveAsync();
        await vm.ExpectStateAsync("Running");
        await Assertions.Expect(vm.Policy).ToContainTextAsync("Shielded (policy Shielded)");
        await vm.ExpectNoCircuitErrorAsync();

        // The provider sees the tenant's create job, done on a host that passed attestation (never the Secure-Boot-off one).
        var admin = await NewPageAsync();
        await new SignInPage(admin).SignInAsProviderAdminAsync();
        var jobs = new AdminJobsPage(admin);
        await jobs.OpenAsync();
        var row = jobs.Rows(name);
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("[data-job-row]")).ToHaveAttributeAsync("data-state", "Succeeded");
        await Assertions.Expect(row).ToContainTextAsync(tenant.Organization);
        await Assertions.Expect(row).ToContainTextAsync(AttestedHost());
        await Assertions.Expect(row).Not.ToContainTextAsync("sim-host-3");
    }

    [GeneratedRegex("sim-host-[12]")]
    private static partial Regex AttestedHost();
}

/// <summary>The embedded default as shipped: SQLite in its data folder, three simulated hosts, the demo offer seeded.</summary>
public sealed class EmbeddedDemoPortalFixture() : PortalFixtureBase(postgres: false)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Portal:SeedDemoOffer", "true"),
        new("Fabric:SimulatedHosts:HeartbeatIntervalSeconds", "1"),
        new("Fabric:SimulatedHosts:Hypervisor", "Simulated"),
    ];
}
