using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.Pages;

/// <summary>/account/sign-up: a static server form (no circuit), so it can be filled as soon as it loads.</summary>
public sealed class SignUpPage(IPage page)
{
    public ILocator ValidationMessages => page.Locator(".validation-message");

    public async Task OpenAsync()
    {
        await page.GotoAsync("/account/sign-up");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Create a tenant account");
    }

    /// <summary>Fills and submits the form; the caller asserts where it ends up.</summary>
    public async Task SubmitAsync(TestTenant tenant)
    {
        await page.Locator("#organization").FillAsync(tenant.Organization);
        await page.Locator("#display-name").FillAsync(tenant.DisplayName);
        await page.Locator("#email").FillAsync(tenant.Email);
        await page.Locator("#password").FillAsync(tenant.Password);
        await page.Locator("#confirm-password").FillAsync(tenant.Password);
        await page.Locator("#sign-up-submit").ClickAsync();
    }

    /// <summary>Signs a new tenant up and waits for its dashboard.</summary>
    public async Task<DashboardPage> SignUpAsync(TestTenant tenant)
    {
        await OpenAsync();
        await SubmitAsync(tenant);
        var dashboard = new DashboardPage(page);
        await dashboard.ExpectWelcomeAsync(tenant.DisplayName);
        return dashboard;
    }
}
