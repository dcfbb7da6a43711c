using Microsoft.Playwright;
using Portal.E2E.Tests.Pages;

namespace Portal.E2E.Tests.HostGuardian;

/// <summary>
/// The standalone HGS's admin pages in a browser: the admin key signs in once, the interactive pages then work with
/// the cookie (the circuit is authenticated too), dialogs confirm destructive actions, and sign-out ends the session.
/// </summary>
public sealed class StandaloneHgsAdminTests(StandaloneHgsFixture hgs) : IClassFixture<StandaloneHgsFixture>, IAsyncLifetime
{
    private IBrowserContext _context = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _context = await hgs.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = hgs.BaseAddress.ToString() });
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task AdminKey_SignsIn_ThenPoliciesAreAddedAndRemovedInteractively_AndSignOutEndsIt()
    {
        await _page.GotoAsync("/hgs/admin/ci-policies");
        await Assertions.Expect(_page.Locator("h1")).ToHaveTextAsync("Sign in to the HGS admin");

        await _page.Locator("#admin-key").FillAsync("not the key");
        await _page.Locator("#hgs-sign-in-submit").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("hgs-sign-in-error")).ToHaveTextAsync("That is not the HGS admin key.");

        await _page.Locator("#admin-key").FillAsync(StandaloneHgsFixture.AdminKey);
        await _page.Locator("#hgs-sign-in-submit").ClickAsync();
        var pages = new HgsAdminPages(_page);
        await Assertions.Expect(pages.Heading).ToHaveTextAsync("Code-integrity policies");
        await pages.ExpectInteractiveAsync();

        await _page.WaitForFunctionAsync("ids => ids.every(id => document.getElementById(id)?.__immediate)", new[] { "policy-name", "policy-hash" });
        await _page.Locator("#policy-name input").FillAsync("E2E policy");
        await _page.Locator("#policy-hash input").FillAsync("12AB");
        var hashField = _page.Locator("fluent-field", new() { Has = _page.Locator("#policy-hash") });
        await Assertions.Expect(hashField).ToContainTextAsync("A SHA-256 is 64 hex characters; this has 4.");
        await _page.Locator("#policy-hash input").FillAsync(new string('a', 64));
        await _page.Locator("#add-policy").ClickAsync();
        await Assertions.Expect(pages.Message).ToContainTextAsync("Allowed the policy \"E2E policy\".");
        var row = _page.Locator("tr[data-policy='E2E policy']");
        await Assertions.Expect(row).ToHaveCountAsync(1);

        await row.GetByTestId("remove-policy").ClickAsync();
        await new ConfirmationDialog(_page).ConfirmAsync("Remove this code-integrity policy?", "Remove");
        await Assertions.Expect(pages.Message).ToContainTextAsync("Removed the policy \"E2E policy\".");
        await Assertions.Expect(row).ToHaveCountAsync(0);

        await _page.Locator("#hgs-sign-out").ClickAsync();
        await Assertions.Expect(_page.Locator("h1")).ToHaveTextAsync("Sign in to the HGS admin");
        await _page.GotoAsync("/hgs/admin");
        await Assertions.Expect(_page.Locator("h1")).ToHaveTextAsync("Sign in to the HGS admin");
    }
}
