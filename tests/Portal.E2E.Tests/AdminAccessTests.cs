using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;

namespace Portal.E2E.Tests;

public sealed class AdminAccessTests(PortalFixture portal) : BrowserTest(portal), IClassFixture<PortalFixture>
{
    [Fact]
    public async Task BootstrapAdmin_SignsIn_ReachesAdmin()
    {
        var signIn = new SignInPage(Page);
        await signIn.OpenAsync();

        await signIn.SubmitAsync(PortalFixture.AdminEmail, PortalFixture.AdminPassword);

        var overview = new AdminOverviewPage(Page);
        await overview.ExpectShownAsync();
        await Assertions.Expect(overview.UserName).ToHaveTextAsync("Provider administrator");
        await Assertions.Expect(overview.NavLink("Fabric")).ToBeVisibleAsync();
        await Assertions.Expect(overview.NavLink("API tokens")).ToHaveCountAsync(0);
        await SaveScreenshotAsync(Page, "admin-overview.png");
    }

    [Fact]
    public async Task Tenant_OpeningAdmin_IsRefused()
    {
        var tenant = TestTenant.New();
        await new SignUpPage(Page).SignUpAsync(tenant);

        await Page.GotoAsync("/admin");

        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Access denied");
        await Assertions.Expect(Page.GetByText(AdminOverviewPage.Title)).ToHaveCountAsync(0);
        await Assertions.Expect(Page.GetByTestId("tenant-count")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Anonymous_OpeningAdmin_IsSentToSignIn()
    {
        await Page.GotoAsync("/admin");

        await new SignInPage(Page).ExpectShownAsync();
        await Assertions.Expect(Page.GetByText(AdminOverviewPage.Title)).ToHaveCountAsync(0);
    }
}
