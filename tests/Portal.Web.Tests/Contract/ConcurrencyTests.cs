using System.Net;
using Portal.Core.Plans;
using Portal.Web.Features.Plans;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Contract;

/// <summary>ETag on reads, If-Match on changes: a stale one answers 412 and changes nothing.</summary>
public sealed class ConcurrencyTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Update_CurrentIfMatch_Returns200WithANewETag_StaleIfMatch_Returns412AndChangesNothing()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(publish: false);
        var url = $"/api/admin/v1/plans/{plan.Id}";
        var read = await api.Admin.GetAsync(url);
        var etag = read.ETag();
        var firstName = OffersApi.Unique("First");

        var updated = await api.Admin.SendAsync(HttpMethod.Put, url, Request(plan, firstName), ifMatch: etag);
        var stale = await api.Admin.SendAsync(HttpMethod.Put, url, Request(plan, OffersApi.Unique("Second")), ifMatch: etag);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.NotEqual(etag, updated.ETag());
        var problem = await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(updated.ETag(), problem.GetProperty("currentETag").GetString());
        var now = await api.Admin.GetAsync(url);
        Assert.Equal(firstName, (await now.ReadAsync<PlanDto>()).Name);
        Assert.Equal(updated.ETag(), now.ETag());
    }

    [Fact]
    public async Task StateAction_StaleIfMatch_Returns412_BeforeTheActionRuns()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(publish: false);
        var etag = (await api.Admin.GetAsync($"/api/admin/v1/plans/{plan.Id}")).ETag();
        await api.Admin.PutAsync($"/api/admin/v1/plans/{plan.Id}", System.Net.Http.Json.JsonContent.Create(Request(plan, OffersApi.Unique("Renamed")), options: OffersJson.Options));

        var publish = await api.Admin.SendAsync(HttpMethod.Post, $"/api/admin/v1/plans/{plan.Id}/publish", ifMatch: etag);

        await publish.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(PlanState.Private, (await api.Admin.GetAsync<PlanDto>($"/api/admin/v1/plans/{plan.Id}")).State);
    }

    [Fact]
    public async Task Update_WithoutIfMatch_AppliesToTheCurrentVersion()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(publish: false);

        var published = await api.Admin.SendAsync(HttpMethod.Post, $"/api/admin/v1/plans/{plan.Id}/publish");

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(plan.Version + 1, (await published.ReadAsync<PlanDto>()).Version);
        Assert.Equal($"\"{plan.Version + 1}\"", published.ETag());
    }

    [Fact]
    public async Task ConcurrentUpdates_WithTheSameIfMatch_ExactlyOneWins()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(publish: false);
        var url = $"/api/admin/v1/plans/{plan.Id}";
        var etag = (await api.Admin.GetAsync(url)).ETag();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            api.Admin.SendAsync(HttpMethod.Put, url, Request(plan, OffersApi.Unique($"Racer{i}")), ifMatch: etag)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK),
            a => Assert.Equal(HttpStatusCode.PreconditionFailed, a.StatusCode));
        Assert.Equal(plan.Version + 1, (await api.Admin.GetAsync<PlanDto>(url)).Version);
    }

    [Fact]
    public async Task TenantSubscription_ReadHasETag_AnotherTenantsWithIfMatch_Answers404()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var addOn = await api.CreateAddOnAsync(plan.Id, new Core.Quotas.ResourceAmount(1, 0, 0, 0));
        var owner = await ContractRequests.TenantAsync(factory);
        var other = await ContractRequests.TenantAsync(factory);
        var subscription = await OffersApi.SubscribeAsync(owner, plan.Id);
        var etag = (await owner.GetAsync($"/api/v1/subscriptions/{subscription.Id}")).ETag();

        var intruder = await other.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{subscription.Id}/addons", new AddAddOnRequest(addOn.Id), ifMatch: "\"999\"");
        var added = await owner.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{subscription.Id}/addons", new AddAddOnRequest(addOn.Id), ifMatch: etag);
        var stale = await owner.SendAsync(HttpMethod.Post, $"/api/v1/subscriptions/{subscription.Id}/addons", new AddAddOnRequest(addOn.Id), ifMatch: etag);

        await intruder.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(1, Assert.Single((await owner.GetAsync<SubscriptionDto>($"/api/v1/subscriptions/{subscription.Id}")).AddOns).Count);
    }

    private static PlanRequest Request(PlanDto plan, string name) => new(
        name, plan.Description, plan.Quota, plan.AllowShieldedVms, plan.InvitationCode, plan.MaxSubscriptionsPerTenant,
        plan.TemplateIds, plan.HardwareProfileIds);
}
