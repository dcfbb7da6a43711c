using Microsoft.Playwright;
using Portal.Core.Attestation;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Xunit.Abstractions;

namespace Portal.E2E.Tests.Fabric;

public sealed class FabricViewTests(FabricPortalFixture portal, ITestOutputHelper output) : IClassFixture<FabricPortalFixture>, IAsyncLifetime
{
    private const string SecureBootReason = "Secure Boot is off: the boot measurements match no allowed TPM baseline.";

    private IBrowserContext _context = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
        _context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = portal.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        var origin = portal.BaseAddress.GetLeftPart(UriPartial.Authority);
        await _context.RouteAsync(url => !url.StartsWith(origin, StringComparison.OrdinalIgnoreCase), route => route.AbortAsync("blockedbyclient"));
        _page = await _context.NewPageAsync();
    }

    public Task DisposeAsync() => _context.CloseAsync();

    [Fact]
    public async Task FailedHost_ShowsItsReason_AndHostsAppearLive_WithoutReload()
    {
        using var admin = await portal.AdminApiAsync();
        using var healthy = await HostAgentOverApi.JoinAsync(portal, admin, "rack1-host-01");
        using var insecure = await HostAgentOverApi.JoinAsync(portal, admin, "rack1-host-02");
        await healthy.BeatPassedAsync(portal.Signer);
        await insecure.BeatFailedAsync(AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot, SecureBootReason);

        await new SignInPage(_page).SignInAsProviderAdminAsync();
        var fabric = new FabricPage(_page);
        await fabric.OpenAsync();

        await Assertions.Expect(fabric.Health("rack1-host-01")).ToHaveAttributeAsync("data-status", "Passed");
        await Assertions.Expect(fabric.Health("rack1-host-02")).ToHaveAttributeAsync("data-status", "InsecureHostConfiguration");
        await Assertions.Expect(fabric.SubStatus("rack1-host-02")).ToHaveTextAsync("SecureBoot");
        await Assertions.Expect(fabric.Reason("rack1-host-02")).ToHaveTextAsync(SecureBootReason);
        await Assertions.Expect(fabric.Heartbeat("rack1-host-02")).ToContainTextAsync("s ago");

        // While the page is open: a third host joins and fails, the second is fixed. No reload.
        var url = _page.Url;
        using var third = await HostAgentOverApi.JoinAsync(portal, admin, "rack1-host-03");
        await third.BeatFailedAsync(AttestationStatus.TransientError, AttestationSubStatus.None, "HGS could not be reached: connection refused.");
        await Assertions.Expect(fabric.Health("rack1-host-03")).ToHaveAttributeAsync("data-status", "TransientError");
        await Assertions.Expect(fabric.Summary).ToContainTextAsync("3 host(s)");
        Assert.Equal(url, _page.Url);

        await SaveScreenshotAsync("fabric.png");
        var axe = await Axe.RunAsync(_page, "/admin/fabric", output.WriteLine);
        Axe.AssertNone(axe, "/admin/fabric", "critical", "serious");

        await insecure.BeatPassedAsync(portal.Signer);
        await Assertions.Expect(fabric.Health("rack1-host-02")).ToHaveAttributeAsync("data-status", "Passed");
    }

    [Fact]
    public async Task JoinToken_IsShownOnceWithTheAgentCommand_AndRemoveAsksFirst()
    {
        using var admin = await portal.AdminApiAsync();
        using var doomed = await HostAgentOverApi.JoinAsync(portal, admin, "rack9-host-99");
        await doomed.BeatPassedAsync(portal.Signer);
        await new SignInPage(_page).SignInAsProviderAdminAsync();
        var fabric = new FabricPage(_page);
        await fabric.OpenAsync();

        await _page.Locator("#create-join-token").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("agent-command")).ToContainTextAsync("--HostAgent:JoinToken=tpjt_");

        await fabric.Row("rack9-host-99").Locator("fluent-button", new LocatorLocatorOptions { HasText = "Remove" }).ClickAsync();
        var dialog = _page.Locator("fluent-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("Remove this host from the fabric?");
        await dialog.Locator("fluent-button", new LocatorLocatorOptions { HasText = "Remove" }).ClickAsync();

        await Assertions.Expect(_page.Locator("#fabric-message")).ToContainTextAsync("was removed from the fabric");
        await Assertions.Expect(fabric.Row("rack9-host-99")).ToHaveCountAsync(0);
    }

    private async Task SaveScreenshotAsync(string fileName)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, fileName), FullPage = true });
    }
}
