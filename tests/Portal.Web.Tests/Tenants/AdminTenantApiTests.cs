using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Tenants;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Features.Tenants;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Tenants;

public sealed class AdminTenantApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task List_SearchesByNameAndEmail_AndPages()
    {
        var api = await OffersApi.SignInAsync(factory);
        var marker = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3; i++)
        {
            await PortalSession.SignUpAsync(factory, $"{marker}-{i}@tenant.test");
        }

        var first = await api.Admin.GetAsync<Page<TenantSummaryDto>>($"/api/admin/v1/tenants?search={marker}&top=2");
        var second = await api.Admin.GetAsync<Page<TenantSummaryDto>>($"/api/admin/v1/tenants?search={marker}&top=2&skip=2");

        Assert.Equal(3, first.Total);
        Assert.Equal(2, first.Items.Count);
        Assert.Single(second.Items);
        Assert.All(first.Items.Concat(second.Items), t => Assert.Equal(1, t.Users));
    }

    [Fact]
    public async Task Details_ShowUsersSubscriptionsAndUsage()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var (session, id, tenant) = await TenantAsync(api);
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);
        await tenant.PostAsJsonAsync("/api/v1/vms", new CreateVmRequest(subscription.Id, "vm", plan.TemplateIds[0], plan.HardwareProfileIds[0], false));

        var details = await api.Admin.GetAsync<TenantDetailsDto>($"/api/admin/v1/tenants/{id}");

        Assert.Equal(session.Email, Assert.Single(details.Users).Email);
        Assert.Equal(subscription.Id, Assert.Single(details.Subscriptions).Id);
        Assert.Equal(1, details.LiveVms);
        Assert.Equal(2, details.Usage.Vcpus);
    }

    [Fact]
    public async Task SuspendedTenant_NewOperationsReturn409AtOnce_ReadsStillWork_ResumeRestores()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var (_, id, tenant) = await TenantAsync(api);
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);

        var suspended = await (await api.Admin.PostAsync($"/api/admin/v1/tenants/{id}/suspend", null)).ReadAsync<TenantDetailsDto>();
        Assert.Equal(TenantState.Suspended, suspended.State);

        var subscribe = await tenant.PostAsJsonAsync("/api/v1/subscriptions", new SubscribeRequest(plan.Id, null, null));
        var vm = await tenant.PostAsJsonAsync("/api/v1/vms",
            new CreateVmRequest(subscription.Id, "vm", plan.TemplateIds[0], plan.HardwareProfileIds[0], false));
        Assert.Contains("suspended", (await subscribe.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Contains("suspended", (await vm.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Single(await tenant.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions"));

        await api.Admin.PostAsync($"/api/admin/v1/tenants/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Created,
            (await tenant.PostAsJsonAsync("/api/v1/subscriptions", new SubscribeRequest(plan.Id, null, null))).StatusCode);
        var actions = await factory.WithDbAsync(db => db.AuditEntries.Where(a => a.TenantId == id).Select(a => a.Action).ToListAsync());
        Assert.Contains("tenant.suspended", actions);
        Assert.Contains("tenant.resumed", actions);
    }

    [Fact]
    public async Task SuspendTwice_Returns409()
    {
        var api = await OffersApi.SignInAsync(factory);
        var (_, id, _) = await TenantAsync(api);
        await api.Admin.PostAsync($"/api/admin/v1/tenants/{id}/suspend", null);

        await (await api.Admin.PostAsync($"/api/admin/v1/tenants/{id}/suspend", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Delete_WithLiveVm_Returns409_WithoutVms_RemovesAccountAndUsers()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var (busySession, busy, busyApi) = await TenantAsync(api);
        var subscription = await OffersApi.SubscribeAsync(busyApi, plan.Id);
        await busyApi.PostAsJsonAsync("/api/v1/vms", new CreateVmRequest(subscription.Id, "vm", plan.TemplateIds[0], plan.HardwareProfileIds[0], false));
        var (idleSession, idle, idleApi) = await TenantAsync(api);
        await OffersApi.SubscribeAsync(idleApi, plan.Id);

        await (await api.Admin.DeleteAsync($"/api/admin/v1/tenants/{busy}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/admin/v1/tenants/{idle}")).StatusCode);

        await (await api.Admin.GetAsync($"/api/admin/v1/tenants/{idle}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == idleSession.Email)));
        Assert.True(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == busySession.Email)));
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "tenant.deleted" && a.TenantId == idle)));
    }

    [Fact]
    public async Task UnknownTenant_Returns404()
    {
        var api = await OffersApi.SignInAsync(factory);

        await (await api.Admin.GetAsync($"/api/admin/v1/tenants/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.Admin.PostAsync($"/api/admin/v1/tenants/{Guid.NewGuid()}/resume", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<(PortalSession Session, Guid Id, HttpClient Api)> TenantAsync(OffersApi admin)
    {
        var session = await PortalSession.SignUpAsync(factory);
        var page = await admin.Admin.GetAsync<Page<TenantSummaryDto>>($"/api/admin/v1/tenants?search={Uri.EscapeDataString(session.Email)}");
        return (session, Assert.Single(page.Items).Id, await session.ApiClientAsync(factory));
    }
}
