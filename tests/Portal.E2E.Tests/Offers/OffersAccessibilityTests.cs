using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Xunit.Abstractions;
using static Portal.E2E.Tests.Offers.OfferSteps;

namespace Portal.E2E.Tests.Offers;

/// <summary>axe-core on the offer pages, filled with real data so grids, cards and quota bars are checked too.</summary>
public sealed class OffersAccessibilityTests(PortalFixture portal, ITestOutputHelper output)
    : BrowserTest(portal), IClassFixture<PortalFixture>
{
    [Fact]
    public async Task SubscriptionsPage_HasNoCriticalOrSeriousAxeViolations()
    {
        var planName = Unique("Axe");
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        await PublishPlanAsync(Page, planName);
        var tenantPage = await NewPageAsync();
        var subscriptions = await SignUpAndOpenSubscriptionsAsync(tenantPage, TestTenant.New());
        await subscriptions.StartSubscribeAsync(planName);
        await subscriptions.SubmitSubscribeAsync("Checked");
        await Microsoft.Playwright.Assertions.Expect(subscriptions.SubscriptionCards).ToHaveCountAsync(1);

        await CheckAsync(tenantPage, "subscriptions");
    }

    [Fact]
    public async Task AdminOfferPages_HaveNoCriticalOrSeriousAxeViolations()
    {
        var tenantPage = await NewPageAsync();
        await new SignUpPage(tenantPage).SignUpAsync(TestTenant.New());
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var gallery = new AdminGalleryPage(Page);
        await gallery.OpenAsync();
        await gallery.AddHardwareProfileAsync(Unique("Medium"), 4, 8, 80);
        await gallery.AddTemplateAsync(Unique("Ubuntu"), "24.04", "ubuntu.vhdx");
        await CheckAsync(Page, "admin-gallery");

        var editor = new PlanEditorPage(Page);
        await editor.OpenNewAsync();
        await CheckAsync(Page, "plan-editor-new");

        var planName = await PublishPlanAsync(Page, Unique("Axe"));
        await CheckAsync(Page, "plan-editor-existing");

        await Page.GotoAsync("/admin/plans");
        await new PortalShell(Page).ExpectInteractiveAsync();
        await Microsoft.Playwright.Assertions.Expect(Page.Locator("main")).ToContainTextAsync(planName);
        await CheckAsync(Page, "admin-plans");

        var tenants = new AdminTenantsPage(Page);
        await tenants.OpenAsync();
        await Microsoft.Playwright.Assertions.Expect(Page.Locator("tbody tr").First).ToContainTextAsync("Contoso");
        await CheckAsync(Page, "admin-tenants");
    }

    private async Task CheckAsync(Microsoft.Playwright.IPage page, string pageName)
    {
        var result = await Axe.RunAsync(page, pageName, output.WriteLine);
        Axe.AssertNone(result, pageName, "critical", "serious");
        await SaveScreenshotAsync(page, $"{pageName}.png");
    }
}
