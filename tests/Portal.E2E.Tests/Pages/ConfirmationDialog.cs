using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>The Fluent confirmation dialog: content in the light DOM, the visible window is the shadow &lt;dialog&gt;.</summary>
public sealed class ConfirmationDialog(IPage page)
{
    public ILocator Host => page.Locator("fluent-dialog");

    public ILocator Window => Host.Locator("dialog");

    public async Task ConfirmAsync(string expectedTitle, string button)
    {
        await Assertions.Expect(Window).ToBeVisibleAsync();
        await Assertions.Expect(Host).ToContainTextAsync(expectedTitle);
        await Host.Locator("fluent-button", new() { HasText = button }).ClickAsync();
        await Assertions.Expect(Window).ToBeHiddenAsync();
    }

    public async Task CancelAsync(string expectedTitle)
    {
        await Assertions.Expect(Window).ToBeVisibleAsync();
        await Assertions.Expect(Host).ToContainTextAsync(expectedTitle);
        await Host.Locator("fluent-button", new() { HasText = "Cancel" }).ClickAsync();
        await Assertions.Expect(Window).ToBeHiddenAsync();
    }
}
