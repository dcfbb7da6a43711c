using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using static Portal.E2E.Tests.Offers.OfferSteps;

namespace Portal.E2E.Tests.Offers;

/// <summary>Issue 3 in a real browser: the provider's offer (gallery, plans) and the tenant's self-service subscription.</summary>
public sealed class PlanAndSubscriptionTests(PortalFixture portal) : BrowserTest(portal), IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Admin_CreatesAndPublishesPlan_TenantSubscribesAndSeesQuotaBars()
    {
        var planName = Unique("Gold");
        var templateName = Unique("Windows Server 2025");
        var sizeName = Unique("Small");

        // The provider fills the gallery, then builds the plan from it.
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var gallery = new AdminGalleryPage(Page);
        await gallery.OpenAsync();
        await gallery.AddHardwareProfileAsync(sizeName, vcpus: 2, memoryGiB: 4, diskGiB: 40);
        await gallery.AddTemplateAsync(templateName, "2025", "ws2025.vhdx");
        await gallery.ExpectActionsFitAsync(templateName);
        await gallery.ExpectActionsFitAsync(sizeName);

        var editor = new PlanEditorPage(Page);
        await editor.OpenNewAsync();
        await editor.SetNameAsync(planName);
        await editor.SetDescriptionAsync("Three small VMs for a team.");
        await editor.SetQuotaAsync("MaxVms", 3);
        await editor.SetQuotaAsync("MaxVcpus", 8);
        await editor.MakeUnlimitedAsync("MaxMemoryGiB");
        await editor.SetQuotaAsync("MaxStorageGiB", 200);
        await editor.OfferAsync(templateName);
        await editor.OfferAsync(sizeName);
        await SaveScreenshotAsync(Page, "admin-plan-editor.png");

        await editor.CreateAsync(planName);
        await editor.PublishAsync();
        await editor.ExpectNoCircuitErrorAsync();

        // Someone else, elsewhere, signs up and subscribes.
        var tenantPage = await NewPageAsync();
        var subscriptions = await SignUpAndOpenSubscriptionsAsync(tenantPage, TestTenant.New());
        await Assertions.Expect(subscriptions.SubscriptionCards).ToHaveCountAsync(0);
        var card = subscriptions.PlanCard(planName);
        await Assertions.Expect(card).ToContainTextAsync("Virtual machines: 3");
        await Assertions.Expect(card).ToContainTextAsync("Memory: unlimited");
        await Assertions.Expect(card).ToContainTextAsync(templateName);
        await Assertions.Expect(card).ToContainTextAsync(sizeName);

        await subscriptions.StartSubscribeAsync(planName);
        await subscriptions.SubmitSubscribeAsync("Team VMs");

        await Assertions.Expect(subscriptions.Message).ToContainTextAsync($"You are now subscribed to {planName} as 'Team VMs'.");
        var mine = subscriptions.SubscriptionCard("Team VMs");
        await Assertions.Expect(mine).ToContainTextAsync($"Plan: {planName}");
        await Assertions.Expect(mine.Locator(".quota-bar")).ToHaveCountAsync(4);
        await ExpectBarAsync(mine, "Vms", "Virtual machines", "0 of 3 used (0%)");
        await ExpectBarAsync(mine, "Vcpus", "vCPUs", "0 of 8 used (0%)");
        await ExpectBarAsync(mine, "MemoryGiB", "Memory (GiB)", "0 used · unlimited");
        await ExpectBarAsync(mine, "StorageGiB", "Storage (GiB)", "0 of 200 used (0%)");
        await Assertions.Expect(SubscriptionsPage.QuotaBar(mine, "Vms").Locator("[role=progressbar]"))
            .ToHaveAttributeAsync("aria-valuenow", "0");
        await Assertions.Expect(SubscriptionsPage.QuotaBar(mine, "MemoryGiB").Locator("[role=progressbar]")).ToHaveCountAsync(0);
        await subscriptions.ExpectNoCircuitErrorAsync();
        await SaveScreenshotAsync(tenantPage, "tenant-subscriptions.png");

        // What the tenant saw is stored: a fresh load shows the same subscription.
        await subscriptions.OpenAsync();
        await Assertions.Expect(subscriptions.SubscriptionCards).ToHaveCountAsync(1);
        await ExpectBarAsync(subscriptions.SubscriptionCard("Team VMs"), "Vms", "Virtual machines", "0 of 3 used (0%)");
    }

    [Fact]
    public async Task InvitationPlan_WrongCodeCreatesNothing_RightCodeSubscribes()
    {
        const string code = "FRIENDS-OF-CONTOSO";
        var planName = Unique("Invited");
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        await PublishPlanAsync(Page, planName, code);

        var tenantPage = await NewPageAsync();
        var subscriptions = await SignUpAndOpenSubscriptionsAsync(tenantPage, TestTenant.New());
        await subscriptions.StartSubscribeAsync(planName);
        await Assertions.Expect(subscriptions.InvitationCodeInput).ToBeVisibleAsync();

        await subscriptions.SubmitSubscribeAsync("Invited VMs", "FRIENDS-OF-FABRIKAM");

        await Assertions.Expect(subscriptions.InvitationCodeField).ToContainTextAsync("The invitation code is not valid for this plan.");
        await Assertions.Expect(subscriptions.SubscriptionCards).ToHaveCountAsync(0);
        await Assertions.Expect(subscriptions.Message).ToHaveCountAsync(0);

        // Nothing was stored either.
        await subscriptions.OpenAsync();
        await Assertions.Expect(subscriptions.SubscriptionCards).ToHaveCountAsync(0);

        await subscriptions.StartSubscribeAsync(planName);
        await subscriptions.SubmitSubscribeAsync("Invited VMs", code);

        await Assertions.Expect(subscriptions.Message).ToContainTextAsync($"You are now subscribed to {planName} as 'Invited VMs'.");
        await Assertions.Expect(subscriptions.SubscriptionCards).ToHaveCountAsync(1);
        await ExpectBarAsync(subscriptions.SubscriptionCard("Invited VMs"), "Vms", "Virtual machines", "0 of 2 used (0%)");
        await subscriptions.ExpectNoCircuitErrorAsync();
    }

    [Fact]
    public async Task Admin_SuspendsTenant_TenantSeesSuspendedBanner()
    {
        var tenant = TestTenant.New();
        var tenantPage = await NewPageAsync();
        var subscriptions = await SignUpAndOpenSubscriptionsAsync(tenantPage, tenant);
        await Assertions.Expect(subscriptions.SuspendedBanner).ToHaveCountAsync(0);

        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var tenants = new AdminTenantsPage(Page);
        await tenants.OpenAsync();
        await tenants.SearchAsync(tenant.Organization);
        await tenants.OpenDetailsAsync(tenant.Organization);
        await Assertions.Expect(tenants.Details).ToContainTextAsync(tenant.Email);

        // Cancelling the confirmation changes nothing.
        await Page.Locator("#suspend-tenant").ClickAsync();
        await tenants.Dialog.CancelAsync("Suspend this tenant?");
        await Assertions.Expect(tenants.Details.Locator("fluent-badge")).ToHaveTextAsync("Active");

        await tenants.SuspendAsync();

        await Assertions.Expect(tenants.Message).ToContainTextAsync($"Tenant '{tenant.Organization}' is now Suspended.");
        await Assertions.Expect(tenants.Details.Locator("fluent-badge")).ToHaveTextAsync("Suspended");
        await Assertions.Expect(tenants.Row(tenant.Organization)).ToContainTextAsync("Suspended");
        await Assertions.Expect(Page.Locator("#resume-tenant")).ToBeVisibleAsync();
        await tenants.ExpectNoCircuitErrorAsync();

        await subscriptions.OpenAsync();
        await Assertions.Expect(subscriptions.SuspendedBanner).ToContainTextAsync("Your account is suspended");
        await Assertions.Expect(subscriptions.SuspendedBanner).ToContainTextAsync("nothing new can be created");
        await SaveScreenshotAsync(tenantPage, "tenant-suspended.png");
    }

    private static async Task ExpectBarAsync(ILocator subscriptionCard, string dimension, string name, string numbers)
    {
        var bar = SubscriptionsPage.QuotaBar(subscriptionCard, dimension);
        await Assertions.Expect(bar.Locator(".name")).ToHaveTextAsync(name);
        await Assertions.Expect(bar.Locator(".numbers")).ToHaveTextAsync(numbers);
    }
}
