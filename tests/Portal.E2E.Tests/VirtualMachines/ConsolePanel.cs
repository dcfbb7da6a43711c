using Microsoft.Playwright;

namespace Portal.E2E.Tests.VirtualMachines;

/// <summary>The console part of the VM page: its button, the refusal for the Shielded policy, and the terminal panel.</summary>
public sealed class ConsolePanel(IPage page)
{
    public ILocator Button => page.Locator("#vm-console");

    public ILocator Refused => page.GetByTestId("console-refused");

    public ILocator Panel => page.GetByTestId("console-panel");

    /// <summary>The connection badge: data-state Connecting, Connected or Closed.</summary>
    public ILocator State => page.GetByTestId("console-state");

    public ILocator Reason => page.GetByTestId("console-reason");

    /// <summary>The text xterm.js renders (its DOM renderer's rows).</summary>
    public ILocator Screen => page.GetByTestId("console-terminal").Locator(".xterm-rows");

    public ILocator Disconnect => page.Locator("#console-close");

    public async Task OpenAsync()
    {
        await Assertions.Expect(Button).Not.ToHaveAttributeAsync("aria-disabled", "true");
        await Button.ClickAsync();
        await Assertions.Expect(Panel).ToBeVisibleAsync();
    }

    /// <summary>Types into the terminal as a person would: focus it, then keys.</summary>
    public async Task TypeAsync(string text)
    {
        await page.GetByTestId("console-terminal").ClickAsync();
        await page.Keyboard.TypeAsync(text);
    }
}
