using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Xunit.Abstractions;

namespace Portal.E2E.Tests.Fabric;

/// <summary>
/// The embedded default after a firmware update on one host: the provider admin (here also the HGS admin) finds the
/// host failing on the HGS pages, reviews what its TPM measured differently, accepts it as a baseline, and the host
/// passes again — on HGS's pages and on the portal's Fabric page.
/// </summary>
public sealed class HgsBaselineWorkflowTests(FirmwareUpdatePortalFixture portal, ITestOutputHelper output)
    : BrowserTest(portal), IClassFixture<FirmwareUpdatePortalFixture>
{
    private const string UpdatedHost = "sim-host-2";

    [Fact]
    public async Task FirmwareUpdate_ReviewedAndAcceptedAsBaseline_HostPassesOnHgsAndFabricPages()
    {
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var shell = new PortalShell(Page);
        await shell.ExpectInteractiveAsync();
        await shell.NavLink("Host Guardian Service").ClickAsync();

        var hgs = new HgsAdminPages(Page);
        await hgs.ExpectHostsAsync();
        await Assertions.Expect(hgs.HostStatus(UpdatedHost)).ToHaveAttributeAsync("data-status", "InsecureHostConfiguration");
        await Assertions.Expect(hgs.HostSubStatus(UpdatedHost)).ToContainTextAsync("SecureBootSettings");
        await Assertions.Expect(hgs.HostReason(UpdatedHost)).ToContainTextAsync("PCR 0");
        await Assertions.Expect(hgs.HostStatus("sim-host-1")).ToHaveAttributeAsync("data-status", "Passed");
        await Assertions.Expect(hgs.ReviewMeasurements("sim-host-1")).ToHaveCountAsync(0);
        await AssertNoCriticalViolationsAsync("hgs-hosts");
        await SaveScreenshotAsync(Page, "hgs-hosts-failing.png");

        await hgs.ReviewMeasurements(UpdatedHost).ClickAsync();
        await Assertions.Expect(hgs.Heading).ToHaveTextAsync($"Review measurements of {UpdatedHost}");
        await hgs.ExpectInteractiveAsync();
        await Assertions.Expect(hgs.Difference(0)).ToContainTextAsync("TenantPortal simulated firmware 1.1");
        await Assertions.Expect(Page.GetByTestId("already-allowed")).ToHaveCountAsync(0);
        await AssertNoCriticalViolationsAsync("hgs-measurements");
        await SaveScreenshotAsync(Page, "hgs-measurements-review.png");

        await hgs.AcceptBaselineAsync("Firmware 1.1");
        await Assertions.Expect(hgs.Message).ToHaveAttributeAsync("data-error", "false");
        await Assertions.Expect(hgs.Message).ToContainTextAsync("Accepted the baseline \"Firmware 1.1\"");

        await Page.GetByTestId("back-to-hosts").ClickAsync();
        await hgs.ExpectHostsAsync();
        // The host attests again within its retry interval; the page refreshes itself.
        await Assertions.Expect(hgs.HostStatus(UpdatedHost)).ToHaveAttributeAsync("data-status", "Passed", new() { Timeout = 60_000 });
        await Assertions.Expect(hgs.ReviewMeasurements(UpdatedHost)).ToHaveCountAsync(0);

        await hgs.OpenAsync("/hgs/admin/baselines");
        await Assertions.Expect(Page.Locator("tr[data-baseline='Firmware 1.1']")).ToContainTextAsync(UpdatedHost);
        await AssertNoCriticalViolationsAsync("hgs-baselines");

        await hgs.OpenAsync("/hgs/admin/history");
        await Assertions.Expect(Page.Locator($"[data-testid=attestation][data-host='{UpdatedHost}']").First).ToContainTextAsync("Passed");
        await AssertNoCriticalViolationsAsync("hgs-history");

        await hgs.OpenAsync("/hgs/admin/ci-policies");
        await AssertNoCriticalViolationsAsync("hgs-ci-policies");

        var fabric = new FabricPage(Page);
        await fabric.OpenAsync();
        await Assertions.Expect(fabric.Health(UpdatedHost)).ToHaveAttributeAsync("data-status", "Passed", new() { Timeout = 60_000 });
        Assert.Empty(CspViolations);
    }

    [Fact]
    public async Task HgsPages_SignedOut_SendToThePortalSignIn()
    {
        await Page.GotoAsync("/hgs/admin/baselines");

        await new SignInPage(Page).ExpectShownAsync();
    }

    private async Task AssertNoCriticalViolationsAsync(string pageName)
    {
        var result = await Axe.RunAsync(Page, pageName, output.WriteLine);
        Axe.AssertNone(result, pageName, "critical");
    }
}

/// <summary>The embedded default whose second simulated host measures an updated firmware, and retries attestation quickly.</summary>
public sealed class FirmwareUpdatePortalFixture() : PortalFixtureBase(postgres: false)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Fabric:SimulatedHosts:HeartbeatIntervalSeconds", "1"),
        new("Fabric:SimulatedHosts:Hypervisor", "Simulated"),
        new("Fabric:SimulatedHosts:Hosts:2:HostAgent:Simulate:FirmwareVersion", "TenantPortal simulated firmware 1.1"),
        new("Fabric:SimulatedHosts:Hosts:2:HostAgent:AttestationRetryInterval", "00:00:02"),
    ];
}
