using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/admin/tenants: search, details, suspend / resume / delete with confirmation.</summary>
public sealed class AdminTenantsPage(IPage page) : PortalShell(page)
{
    public ILocator Details => Page.Locator("#tenant-details");

    public ILocator Message => Page.Locator("#tenants-message");

    public ConfirmationDialog Dialog { get; } = new(page);

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/admin/tenants");
        await Assertions.Expect(Heading).ToHaveTextAsync("Tenants");
        await ExpectInteractiveAsync();
        await ExpectImmediateInputsReadyAsync("tenant-search");
    }

    public ILocator Row(string organization) =>
        Page.Locator("tr", new() { Has = Page.Locator("td", new() { HasText = organization }) });

    public async Task SearchAsync(string text)
    {
        await Page.Locator("#tenant-search input").FillAsync(text);
        await Assertions.Expect(Row(text)).ToBeVisibleAsync();
        await Assertions.Expect(Page.Locator("tbody tr")).ToHaveCountAsync(1);
    }

    public async Task OpenDetailsAsync(string organization)
    {
        await Row(organization).Locator("fluent-button", new() { HasText = organization }).ClickAsync();
        await Assertions.Expect(Details.Locator("h2")).ToHaveTextAsync(organization);
    }

    public async Task SuspendAsync()
    {
        await Page.Locator("#suspend-tenant").ClickAsync();
        await Dialog.ConfirmAsync("Suspend this tenant?", "Suspend");
    }
}
