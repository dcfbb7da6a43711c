using Microsoft.Playwright;

namespace Portal.E2E.Tests.Fabric;

/// <summary>/admin/fabric: one row per guarded host.</summary>
public sealed class FabricPage(IPage page)
{
    public ILocator Heading => page.Locator("h1");

    public ILocator Summary => page.GetByTestId("fabric-summary");

    public async Task OpenAsync()
    {
        await page.GotoAsync("/admin/fabric");
        await Assertions.Expect(Heading).ToHaveTextAsync("Fabric");
        await Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
    }

    /// <summary>The grid row of the host with this name.</summary>
    public ILocator Row(string hostName) =>
        page.Locator("tr", new PageLocatorOptions { Has = page.Locator($"[data-host='{hostName}']") });

    public ILocator Health(string hostName) => Row(hostName).GetByTestId("host-health");

    public ILocator Reason(string hostName) => Row(hostName).GetByTestId("host-reason");

    public ILocator SubStatus(string hostName) => Row(hostName).GetByTestId("host-sub-status");

    public ILocator Heartbeat(string hostName) => Row(hostName).GetByTestId("host-heartbeat");

    public ILocator Tpm(string hostName) => Row(hostName).GetByTestId("host-tpm");
}
