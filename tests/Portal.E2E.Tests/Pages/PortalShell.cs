using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>What every signed-in page shares: the header with the user's name and "Sign out", and the circuit.</summary>
public class PortalShell(IPage page)
{
    protected IPage Page => page;

    public ILocator Heading => page.Locator("main h1");

    public ILocator UserName => page.GetByTestId("user-name");

    public ILocator Navigation => page.Locator("nav[aria-label=Main]");

    /// <summary>A navigation link as people (and screen readers) see it; the hamburger drawer's hidden copy is skipped.</summary>
    public ILocator NavLink(string text) =>
        Navigation.GetByRole(AriaRole.Link, new() { Name = text, Exact = true });

    /// <summary>Prerendered Fluent buttons ignore clicks until the circuit is up; the marker is hidden, so count it.</summary>
    public Task ExpectInteractiveAsync() =>
        Assertions.Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);

    /// <summary>
    /// Fluent inputs with Immediate="true" send keystrokes through a listener their component attaches in JS after
    /// its first interactive render, a moment after the circuit is up; text typed before that was seen never to
    /// reach the server, not even when the field was left. People are not that quick; tests are.
    /// </summary>
    public Task ExpectImmediateInputsReadyAsync(params string[] ids) =>
        page.WaitForFunctionAsync("ids => ids.every(id => document.getElementById(id)?.__immediate)", ids);

    /// <summary>Blazor shows its error bar when the circuit died (an unhandled exception, a failed JS import).</summary>
    public Task ExpectNoCircuitErrorAsync() =>
        Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

    public async Task<SignInPage> SignOutAsync()
    {
        await ExpectInteractiveAsync();
        await page.Locator("button.sign-out").ClickAsync();
        var signIn = new SignInPage(page);
        await signIn.ExpectShownAsync();
        return signIn;
    }
}
