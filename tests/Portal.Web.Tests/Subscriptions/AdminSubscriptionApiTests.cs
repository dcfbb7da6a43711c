using System.Net;
using System.Net.Http.Json;
using Portal.Core.Subscriptions;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Features.Tenants;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Subscriptions;

public sealed class AdminSubscriptionApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Admin_SubscribesTenantToPrivatePlan_WithoutInvitationCode()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(invitationCode: "ONLY-FOR-TENANTS", publish: false);
        var (tenantId, tenantApi) = await TenantAsync(api);

        var created = await OffersApi.CreatedAsync<SubscriptionDto>(await api.Admin.PostAsJsonAsync(
            "/api/admin/v1/subscriptions", new AdminSubscribeRequest(tenantId, plan.Id, "Pilot")));

        Assert.Equal("Pilot", created.DisplayName);
        Assert.Equal(created.Id, Assert.Single(await tenantApi.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions")).Id);
        var page = await api.Admin.GetAsync<Page<SubscriptionDto>>($"/api/admin/v1/subscriptions?tenantId={tenantId}");
        Assert.Equal(1, page.Total);
        Assert.Equal(created.Id, (await api.Admin.GetAsync<SubscriptionDto>($"/api/admin/v1/subscriptions/{created.Id}")).Id);
    }

    [Fact]
    public async Task Admin_SubscribeOnDecommissionedPlan_Returns409_UnknownTenant_Returns400()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        await api.Admin.PostAsync($"/api/admin/v1/plans/{plan.Id}/decommission", null);
        var (tenantId, _) = await TenantAsync(api);

        var decommissioned = await api.Admin.PostAsJsonAsync("/api/admin/v1/subscriptions", new AdminSubscribeRequest(tenantId, plan.Id, null));
        var unknownTenant = await api.Admin.PostAsJsonAsync("/api/admin/v1/subscriptions", new AdminSubscribeRequest(Guid.NewGuid(), plan.Id, null));

        await decommissioned.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.True((await unknownTenant.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("tenantId", out _));
    }

    [Fact]
    public async Task SuspendedSubscription_RefusesNewVms_ResumeAllowsThem_CancelEndsIt()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var (_, tenant) = await TenantAsync(api);
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);
        var vm = new CreateVmRequest(subscription.Id, "vm", plan.TemplateIds[0], plan.HardwareProfileIds[0], false);

        var suspended = await (await api.Admin.PostAsync($"/api/admin/v1/subscriptions/{subscription.Id}/suspend", null)).ReadAsync<SubscriptionDto>();
        Assert.Equal(SubscriptionState.Suspended, suspended.State);
        var refused = await tenant.PostAsJsonAsync("/api/v1/vms", vm);
        Assert.Contains("suspended", (await refused.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString());

        await api.Admin.PostAsync($"/api/admin/v1/subscriptions/{subscription.Id}/resume", null);
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.PostAsJsonAsync("/api/v1/vms", vm)).StatusCode);

        var cancelWithVm = await api.Admin.PostAsync($"/api/admin/v1/subscriptions/{subscription.Id}/cancel", null);
        await cancelWithVm.AssertProblemAsync(HttpStatusCode.Conflict);
        await (await api.Admin.PostAsync($"/api/admin/v1/subscriptions/{subscription.Id}/resume", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancel_WithoutVms_DeletesSubscriptionFromTenantsList()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var (_, tenant) = await TenantAsync(api);
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);

        var cancelled = await (await api.Admin.PostAsync($"/api/admin/v1/subscriptions/{subscription.Id}/cancel", null)).ReadAsync<SubscriptionDto>();

        Assert.Equal(SubscriptionState.Deleted, cancelled.State);
        Assert.Empty(await tenant.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions"));
    }

    [Fact]
    public async Task Admin_AddsPrivateAddOn()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var addOn = await api.CreateAddOnAsync(plan.Id, new Core.Quotas.ResourceAmount(1, 0, 0, 0), publish: false);
        var (_, tenant) = await TenantAsync(api);
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);

        var response = await api.Admin.PostAsJsonAsync($"/api/admin/v1/subscriptions/{subscription.Id}/addons", new AddAddOnRequest(addOn.Id));

        Assert.Equal(1, Assert.Single((await response.ReadAsync<SubscriptionDto>()).AddOns).Count);
    }

    [Fact]
    public async Task UnknownSubscription_Returns404()
    {
        var api = await OffersApi.SignInAsync(factory);

        await (await api.Admin.PostAsync($"/api/admin/v1/subscriptions/{Guid.NewGuid()}/suspend", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.Admin.GetAsync($"/api/admin/v1/subscriptions/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<(Guid TenantId, HttpClient Api)> TenantAsync(OffersApi admin)
    {
        var session = await PortalSession.SignUpAsync(factory);
        var page = await admin.Admin.GetAsync<Page<TenantSummaryDto>>($"/api/admin/v1/tenants?search={Uri.EscapeDataString(session.Email)}");
        return (Assert.Single(page.Items).Id, await session.ApiClientAsync(factory));
    }
}
