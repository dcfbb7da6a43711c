using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/api-tokens: Fluent v5 web components, so controls are found by id, label or text, never by role.</summary>
public sealed class ApiTokensPage(IPage page) : PortalShell(page)
{
    public ILocator NewTokenSecret => Page.GetByTestId("new-token");

    /// <summary>The confirmation dialog's content and buttons (light DOM).</summary>
    public ILocator Dialog => Page.Locator("fluent-dialog");

    /// <summary>
    /// What is actually on screen: the host element has no box of its own (its shadow &lt;dialog&gt; sits in the
    /// top layer), so Playwright calls the host "hidden" even while the dialog is open.
    /// </summary>
    public ILocator DialogWindow => Dialog.Locator("dialog");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/api-tokens");
        await Assertions.Expect(Heading).ToHaveTextAsync("API tokens");
        await ExpectInteractiveAsync();
    }

    public async Task CreateAsync(string name)
    {
        // The id sits on the <fluent-text-input> host; the real <input> is in its open shadow root.
        await Page.Locator("#token-name input").FillAsync(name);
        await Page.Locator("#create-token").ClickAsync();
    }

    /// <summary>The grid row of one token, found by its name.</summary>
    public ILocator Row(string name) => Page.Locator("tr", new() { Has = Page.Locator("td", new() { HasText = name }) });

    public async Task RevokeAsync(string name)
    {
        await Row(name).Locator("fluent-button", new() { HasText = "Revoke" }).ClickAsync();
        await Assertions.Expect(DialogWindow).ToBeVisibleAsync();
        await Assertions.Expect(Dialog).ToContainTextAsync("Revoke this token?");
        await Dialog.Locator("fluent-button", new() { HasText = "Revoke" }).ClickAsync();
    }
}
