using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>The Host Guardian Service's admin pages under /hgs/admin: its own header and navigation.</summary>
public sealed class HgsAdminPages(IPage page)
{
    public ILocator Header => page.GetByTestId("hgs-header");

    public ILocator Heading => page.Locator("main h1");

    public ILocator Message => page.GetByTestId("hgs-message");

    public ILocator Navigation => page.Locator("nav[aria-label='Host Guardian Service']");

    /// <summary>The hosts table's row of the host with this name.</summary>
    public ILocator HostRow(string hostName) => page.Locator($"tr[data-host='{hostName}']");

    public ILocator HostStatus(string hostName) => HostRow(hostName).GetByTestId("host-status");

    public ILocator HostSubStatus(string hostName) => HostRow(hostName).GetByTestId("host-sub-status");

    public ILocator HostReason(string hostName) => HostRow(hostName).GetByTestId("host-reason");

    public ILocator ReviewMeasurements(string hostName) => HostRow(hostName).GetByTestId("review-measurements");

    /// <summary>On the review page: the row of a PCR that differs from the nearest baseline.</summary>
    public ILocator Difference(int pcr) => page.Locator($"[data-testid=difference][data-pcr='{pcr}']");

    public Task ExpectInteractiveAsync() =>
        Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);

    public async Task ExpectHostsAsync()
    {
        await Assertions.Expect(Header).ToHaveTextAsync("Host Guardian Service");
        await Assertions.Expect(Heading).ToHaveTextAsync("Hosts");
        await ExpectInteractiveAsync();
    }

    public async Task OpenAsync(string path)
    {
        await page.GotoAsync(path);
        await Assertions.Expect(Header).ToHaveTextAsync("Host Guardian Service");
        await ExpectInteractiveAsync();
    }

    /// <summary>Names the reviewed measurements and accepts them through the confirmation dialog.</summary>
    public async Task AcceptBaselineAsync(string name)
    {
        await page.WaitForFunctionAsync("id => document.getElementById(id)?.__immediate", "baseline-name");
        await page.Locator("#baseline-name input").FillAsync(name);
        var accept = page.Locator("#accept-baseline");
        await Assertions.Expect(accept).Not.ToHaveAttributeAsync("disabled", "");
        await accept.ClickAsync();
        await new ConfirmationDialog(page).ConfirmAsync("Accept these measurements?", "Accept");
    }
}
