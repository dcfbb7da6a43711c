using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Quotas;
using Portal.Web.Features.Plans;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Subscriptions;

public sealed class TenantSubscriptionApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task ListPlans_ShowsPublicPlansOnly_WithOfferingsAndWithoutTheCode()
    {
        var api = await OffersApi.SignInAsync(factory);
        var visible = await api.CreatePlanAsync(invitationCode: "SECRET-CODE");
        var hidden = await api.CreatePlanAsync(publish: false);
        var gone = await api.CreatePlanAsync();
        await api.Admin.PostAsync($"/api/admin/v1/plans/{gone.Id}/decommission", null);
        var tenant = await TenantAsync();

        var response = await tenant.GetAsync("/api/v1/plans");
        var plans = (await response.ReadAsync<Web.Infrastructure.Paging.Page<PublicPlanDto>>()).Items;

        var shown = Assert.Single(plans, p => p.Id == visible.Id);
        Assert.True(shown.RequiresInvitation);
        Assert.Single(shown.Templates, t => t.IsShieldingCapable);
        Assert.Single(shown.Sizes);
        Assert.DoesNotContain(plans, p => p.Id == hidden.Id || p.Id == gone.Id);
        Assert.DoesNotContain("SECRET-CODE", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Subscribe_PublicPlan_ShowsQuotaAndUsagePerDimension()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(new QuotaDto(5, null, 20, 200));
        var tenant = await TenantAsync();

        var created = await OffersApi.SubscribeAsync(tenant, plan.Id);
        var fetched = await tenant.GetAsync<SubscriptionDto>($"/api/v1/subscriptions/{created.Id}");
        var listed = await tenant.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions");

        Assert.Equal(created.Id, Assert.Single(listed).Id);
        Assert.Equal(
            [new QuotaUsage(QuotaDimension.Vms, 0, 5), new QuotaUsage(QuotaDimension.Vcpus, 0, null),
             new QuotaUsage(QuotaDimension.MemoryGiB, 0, 20), new QuotaUsage(QuotaDimension.StorageGiB, 0, 200)],
            fetched.Quota);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a =>
            a.Action == "subscription.created" && a.Target.StartsWith($"subscription:{created.Id}"))));
    }

    [Fact]
    public async Task Subscribe_PrivatePlan_Returns404LikeAPlanThatDoesNotExist()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(publish: false);
        var tenant = await TenantAsync();

        var response = await tenant.PostAsJsonAsync("/api/v1/subscriptions", new SubscribeRequest(plan.Id, null, null));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Subscribe_DecommissionedPlan_Returns409WithReason()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        await api.Admin.PostAsync($"/api/admin/v1/plans/{plan.Id}/decommission", null);
        var tenant = await TenantAsync();

        var response = await tenant.PostAsJsonAsync("/api/v1/subscriptions", new SubscribeRequest(plan.Id, null, null));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("decommissioned", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Subscribe_WrongInvitationCode_Returns400AndCreatesNothing()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(invitationCode: "OPEN-SESAME");
        var tenant = await TenantAsync();

        var wrong = await tenant.PostAsJsonAsync("/api/v1/subscriptions", new SubscribeRequest(plan.Id, null, "open-sesame"));
        var missing = await tenant.PostAsJsonAsync("/api/v1/subscriptions", new SubscribeRequest(plan.Id, null, null));

        Assert.True((await wrong.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("invitationCode", out _));
        Assert.True((await missing.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("invitationCode", out _));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Subscriptions.CountAsync(s => s.PlanId == plan.Id)));

        var right = await OffersApi.SubscribeAsync(tenant, plan.Id, "OPEN-SESAME");
        Assert.Equal(plan.Id, right.PlanId);
    }

    [Fact]
    public async Task Subscribe_BeyondMaxPerAccount_Returns409()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(maxSubscriptions: 1);
        var tenant = await TenantAsync();
        await OffersApi.SubscribeAsync(tenant, plan.Id);

        var response = await tenant.PostAsJsonAsync("/api/v1/subscriptions", new SubscribeRequest(plan.Id, null, null));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("at most 1", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Subscribe_TooLongDisplayName_Returns400NamingTheField()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var tenant = await TenantAsync();

        var response = await tenant.PostAsJsonAsync("/api/v1/subscriptions", new SubscribeRequest(plan.Id, new string('x', 101), null));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("displayName", out _));
    }

    [Fact]
    public async Task AnotherTenantsSubscription_Returns404ForReadAndAddOn()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var addOn = await api.CreateAddOnAsync(plan.Id, new ResourceAmount(1, 0, 0, 0));
        var owner = await TenantAsync();
        var subscription = await OffersApi.SubscribeAsync(owner, plan.Id);
        var intruder = await TenantAsync();

        await (await intruder.GetAsync($"/api/v1/subscriptions/{subscription.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await intruder.PostAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}/addons", new AddAddOnRequest(addOn.Id)))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await intruder.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions"));
        Assert.Empty((await owner.GetAsync<SubscriptionDto>($"/api/v1/subscriptions/{subscription.Id}")).AddOns);
    }

    [Fact]
    public async Task AddAddOn_RaisesQuota_UntilItsMaximum()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(new QuotaDto(2, 4, null, null));
        var addOn = await api.CreateAddOnAsync(plan.Id, new ResourceAmount(1, 2, 0, 0), max: 2);
        var tenant = await TenantAsync();
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);
        Assert.Contains(subscription.AvailableAddOns, a => a.Id == addOn.Id && a.Held == 0);

        await tenant.PostAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}/addons", new AddAddOnRequest(addOn.Id));
        var twice = await (await tenant.PostAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}/addons",
            new AddAddOnRequest(addOn.Id))).ReadAsync<SubscriptionDto>();
        var third = await tenant.PostAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}/addons", new AddAddOnRequest(addOn.Id));

        Assert.Equal(4, twice.Quota.Single(q => q.Dimension == QuotaDimension.Vms).Limit);
        Assert.Equal(8, twice.Quota.Single(q => q.Dimension == QuotaDimension.Vcpus).Limit);
        Assert.Equal(2, Assert.Single(twice.AddOns).Count);
        Assert.Contains("at most 2", (await third.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AddAddOn_PrivateOrUnknown_Returns400NamingTheField()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var privateAddOn = await api.CreateAddOnAsync(plan.Id, new ResourceAmount(1, 0, 0, 0), publish: false);
        var tenant = await TenantAsync();
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);

        foreach (var id in new[] { privateAddOn.Id, Guid.NewGuid() })
        {
            var response = await tenant.PostAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}/addons", new AddAddOnRequest(id));
            Assert.True((await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("addOnId", out _));
        }
    }

    [Fact]
    public async Task CreateVm_BeyondQuota_Returns409WithLimitUsedRequested()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(new QuotaDto(null, 5, null, null));
        var tenant = await TenantAsync();
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);
        var request = new CreateVmRequest(subscription.Id, "web-1", plan.TemplateIds[0], plan.HardwareProfileIds[0], false);

        Assert.Equal(HttpStatusCode.Accepted, (await tenant.PostAsJsonAsync("/api/v1/vms", request)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.PostAsJsonAsync("/api/v1/vms", request with { Name = "web-2" })).StatusCode);
        var refused = await tenant.PostAsJsonAsync("/api/v1/vms", request with { Name = "web-3" });

        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Vcpus", problem.GetProperty("dimension").GetString());
        Assert.Equal(5, problem.GetProperty("limit").GetInt32());
        Assert.Equal(4, problem.GetProperty("used").GetInt32());
        Assert.Equal(2, problem.GetProperty("requested").GetInt32());
        Assert.Contains("limit 5, used 4, requested 2", problem.GetProperty("detail").GetString());
        var usage = (await tenant.GetAsync<SubscriptionDto>($"/api/v1/subscriptions/{subscription.Id}")).Quota;
        Assert.Equal(new QuotaUsage(QuotaDimension.Vms, 2, null), usage[0]);
    }

    [Fact]
    public async Task PlanChangeByProvider_ShowsInTenantsQuotaAtOnce()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(new QuotaDto(1, 2, null, null));
        var tenant = await TenantAsync();
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);
        var request = new CreateVmRequest(subscription.Id, "a", plan.TemplateIds[0], plan.HardwareProfileIds[0], false);
        await tenant.PostAsJsonAsync("/api/v1/vms", request);
        await (await tenant.PostAsJsonAsync("/api/v1/vms", request with { Name = "b" })).AssertProblemAsync(HttpStatusCode.Conflict);

        await api.Admin.PutAsJsonAsync($"/api/admin/v1/plans/{plan.Id}", new PlanRequest(
            plan.Name, null, new QuotaDto(3, null, null, null), true, null, null, plan.TemplateIds, plan.HardwareProfileIds));

        var quota = (await tenant.GetAsync<SubscriptionDto>($"/api/v1/subscriptions/{subscription.Id}")).Quota;
        Assert.Equal(new QuotaUsage(QuotaDimension.Vms, 1, 3), quota[0]);
        Assert.Null(quota[1].Limit);
        Assert.Equal(HttpStatusCode.Accepted, (await tenant.PostAsJsonAsync("/api/v1/vms", request with { Name = "b" })).StatusCode);
    }

    [Fact]
    public async Task CreateVm_TemplateNotOffered_Returns400NamingTheField()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var other = await api.CreateTemplateAsync();
        var tenant = await TenantAsync();
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);

        var response = await tenant.PostAsJsonAsync("/api/v1/vms",
            new CreateVmRequest(subscription.Id, "x", other.Id, plan.HardwareProfileIds[0], false));

        Assert.True((await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("templateId", out _));
    }

    [Fact]
    public async Task Tenant_Anonymous_Answers401()
    {
        var anonymous = factory.CreateClient();

        await (await anonymous.GetAsync("/api/v1/subscriptions")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/v1/plans")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<HttpClient> TenantAsync() => await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
}
