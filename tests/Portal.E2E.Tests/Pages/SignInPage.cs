using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Pages;

/// <summary>/account/sign-in: a static server form that sets the cookie in its HTTP response.</summary>
public sealed partial class SignInPage(IPage page)
{
    public ILocator Heading => page.Locator("h1");

    public ILocator Error => page.GetByTestId("sign-in-error");

    public async Task OpenAsync()
    {
        await page.GotoAsync("/account/sign-in");
        await ExpectShownAsync();
    }

    public async Task ExpectShownAsync()
    {
        await Assertions.Expect(page).ToHaveURLAsync(SignInUrl());
        await Assertions.Expect(Heading).ToHaveTextAsync("Sign in");
    }

    public async Task SubmitAsync(string email, string password)
    {
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#sign-in-submit").ClickAsync();
    }

    /// <summary>Signs the provider's bootstrap administrator in (credentials from the fixture) and waits for /admin.</summary>
    public async Task<AdminOverviewPage> SignInAsProviderAdminAsync()
    {
        await OpenAsync();
        await SubmitAsync(PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        var overview = new AdminOverviewPage(page);
        await overview.ExpectShownAsync();
        return overview;
    }

    [GeneratedRegex("/account/sign-in(\\?|$)")]
    private static partial Regex SignInUrl();
}
