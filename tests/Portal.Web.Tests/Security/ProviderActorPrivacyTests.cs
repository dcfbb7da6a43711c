using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.Audit;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Security;

/// <summary>Tenants see the provider's acts on their account as "Provider": never an admin's email or address.</summary>
public sealed class ProviderActorPrivacyTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    private const string AdminAddress = "203.0.113.77";
    private const string TenantAddress = "198.51.100.23";

    [Fact]
    public async Task TenantActivity_ShowsProviderActsAsProvider_AndTheirOwnAsRecorded()
    {
        var (tenant, api, subscriptionId) = await SuspendedAndResumedAsync();

        var page = await api.GetFromJsonAsync<Page<AuditEntryDto>>("/api/v1/activity?top=200");

        var providerActs = page!.Items.Where(e => e.Action is "subscription.suspended" or "subscription.resumed").ToList();
        Assert.Equal(2, providerActs.Count);
        Assert.All(providerActs, e =>
        {
            Assert.Equal(AuditLog.ProviderActor, e.ActorName);
            Assert.Null(e.RemoteAddress);
        });
        var own = Assert.Single(page.Items, e => e.Action == "subscription.created");
        Assert.Equal(tenant.Email, own.ActorName);
        Assert.Equal(TenantAddress, own.RemoteAddress);
        Assert.Contains(subscriptionId.ToString(), own.Target, StringComparison.Ordinal);
        Assert.Equal(tenant.Email, Assert.Single(page.Items, e => e.Action == "tenant.signed-up").ActorName);
    }

    [Fact]
    public async Task TenantActivity_SearchingForTheAdmin_FindsNothing()
    {
        var (_, api, _) = await SuspendedAndResumedAsync();

        var page = await api.GetFromJsonAsync<Page<AuditEntryDto>>($"/api/v1/activity?search={PortalWebFactory.AdminEmail}");

        Assert.Empty(page!.Items);
    }

    [Fact]
    public async Task ProviderAudit_KeepsWhoAndFromWhere()
    {
        var (_, api, _) = await SuspendedAndResumedAsync();
        var tenantId = (await api.GetFromJsonAsync<Page<AuditEntryDto>>("/api/v1/activity"))!.Items[0].TenantId;
        var admin = (await OffersApi.SignInAsync(factory)).Admin;

        var page = await admin.GetFromJsonAsync<Page<AuditEntryDto>>($"/api/admin/v1/audit?tenantId={tenantId}&search=subscription.suspended");

        var entry = Assert.Single(page!.Items);
        Assert.Equal(PortalWebFactory.AdminEmail, entry.ActorName);
        Assert.Equal(AdminAddress, entry.RemoteAddress);
    }

    [Fact]
    public async Task TenantActivityPage_ShowsProviderAndNoAdminDetails()
    {
        var (tenant, _, _) = await SuspendedAndResumedAsync();

        var response = await tenant.Client.GetAsync("/activity");

        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("subscription.suspended", html, StringComparison.Ordinal);
        Assert.Contains(AuditLog.ProviderActor, html, StringComparison.Ordinal);
        Assert.DoesNotContain(PortalWebFactory.AdminEmail, html, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminAddress, html, StringComparison.Ordinal);
    }

    private async Task<(PortalSession Tenant, HttpClient Api, Guid SubscriptionId)> SuspendedAndResumedAsync()
    {
        var offers = await OffersApi.SignInAsync(factory);
        offers.Admin.DefaultRequestHeaders.Add(TestClientAddress.Header, AdminAddress);
        var plan = await offers.CreatePlanAsync();
        var tenant = await PortalSession.SignUpAsync(factory);
        var api = await tenant.ApiClientAsync(factory);
        api.DefaultRequestHeaders.Add(TestClientAddress.Header, TenantAddress);
        var subscription = await OffersApi.SubscribeAsync(api, plan.Id);

        Assert.Equal(HttpStatusCode.OK, (await offers.Admin.PostAsync($"/api/admin/v1/subscriptions/{subscription.Id}/suspend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await offers.Admin.PostAsync($"/api/admin/v1/subscriptions/{subscription.Id}/resume", null)).StatusCode);
        return (tenant, api, subscription.Id);
    }
}
