using System.Net;
using Portal.Web.Features.Plans;
using Portal.Web.Features.Tenants;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Offers;

/// <summary>The pages as first rendered on the server (before the circuit starts), with real data.</summary>
public sealed class OffersPagesTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task TenantSubscriptionsPage_ShowsPublicPlansAndQuotaBars()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(new QuotaDto(5, null, 20, 200));
        var hidden = await api.CreatePlanAsync(publish: false);
        var tenant = await PortalSession.SignUpAsync(factory);
        await OffersApi.SubscribeAsync(await tenant.ApiClientAsync(factory), plan.Id);

        var html = WebUtility.HtmlDecode(await tenant.Client.GetStringAsync("/subscriptions"));

        Assert.Contains("Available plans", html);
        Assert.Contains(plan.Name, html);
        Assert.DoesNotContain(hidden.Name, html);
        Assert.Contains("Shielded VMs allowed", html);
        Assert.Contains("0 of 5 used (0%)", html);
        Assert.Contains("0 used · unlimited", html);
    }

    [Fact]
    public async Task TenantSubscriptionsPage_WhenSuspended_SaysSoAtOnce()
    {
        var api = await OffersApi.SignInAsync(factory);
        var tenant = await PortalSession.SignUpAsync(factory);
        var id = (await api.Admin.GetAsync<Page<TenantSummaryDto>>($"/api/admin/v1/tenants?search={Uri.EscapeDataString(tenant.Email)}")).Items[0].Id;

        await api.Admin.PostAsync($"/api/admin/v1/tenants/{id}/suspend", null);
        var html = await tenant.Client.GetStringAsync("/subscriptions");

        Assert.Contains("Your account is suspended", html);
    }

    [Theory]
    [InlineData("/admin/plans", "Add-ons")]
    [InlineData("/admin/plans/new", "Allow shielded VMs")]
    [InlineData("/admin/gallery", "Hardware profiles")]
    [InlineData("/admin/tenants", "Search by organization or email")]
    [InlineData("/admin/subscriptions", "New subscription")]
    public async Task AdminPages_Render(string path, string text)
    {
        var admin = await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var response = await admin.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(text, html);
        Assert.DoesNotContain("Coming soon", html);
    }

    [Fact]
    public async Task AdminGalleryPage_HasNoTypedCatalogFields_AndPointsToTheVerifiedUpload()
    {
        var admin = await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var html = WebUtility.HtmlDecode(await admin.Client.GetStringAsync("/admin/gallery"));

        Assert.Contains("id=\"template-name\"", html);
        foreach (var id in new[] { "vsc-name", "vsc-version", "vsc-signer", "vsc-hash" })
        {
            Assert.DoesNotContain($"id=\"{id}\"", html);
        }

        Assert.Contains("tenantportal vsc sign", html);
    }

    [Fact]
    public async Task PlanEditorPage_ShowsThePlanWithItsShieldedTemplate()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var admin = await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var html = WebUtility.HtmlDecode(await admin.Client.GetStringAsync($"/admin/plans/{plan.Id}"));

        Assert.Contains(plan.Name, html);
        Assert.Contains($"data-shield=\"{plan.TemplateIds[0]}\"", html);
    }

    [Fact]
    public async Task Tenant_OpeningAdminPlans_IsSentToAccessDenied()
    {
        var tenant = await PortalSession.SignUpAsync(factory);

        var response = await tenant.Client.GetAsync("/admin/plans");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/access-denied", response.Headers.Location?.ToString());
    }
}
