using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Web.Features.AddOns;
using Portal.Web.Features.Plans;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Plans;

public sealed class AdminPlanApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Plan_CreatePublishMakePrivateDecommissionReopen_IsAudited()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(new QuotaDto(5, null, 64, null), invitationCode: "GOLD-2026", publish: false);
        Assert.Equal(PlanState.Private, plan.State);
        Assert.Null(plan.Quota.MaxVcpus);
        Assert.Equal("GOLD-2026", plan.InvitationCode);

        foreach (var (action, expected) in new[]
                 {
                     ("publish", PlanState.Public), ("make-private", PlanState.Private),
                     ("decommission", PlanState.Decommissioned), ("reopen", PlanState.Private),
                 })
        {
            var changed = await api.Admin.PostAsync($"/api/admin/v1/plans/{plan.Id}/{action}", null);
            Assert.Equal(expected, (await changed.ReadAsync<PlanDto>()).State);
        }

        var actions = await factory.WithDbAsync(db => db.AuditEntries
            .Where(a => a.Target.StartsWith($"plan:{plan.Id}")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["plan.created", "plan.published", "plan.made-private", "plan.decommissioned", "plan.reopened"], actions);
    }

    [Fact]
    public async Task PublishTwice_Returns409WithReason()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();

        var response = await api.Admin.PostAsync($"/api/admin/v1/plans/{plan.Id}/publish", null);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("already public", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UpdatePlan_ChangesQuotaAndOfferings()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var bigger = await api.CreateSizeAsync(8, 32, 200);

        var response = await api.Admin.PutAsJsonAsync($"/api/admin/v1/plans/{plan.Id}", new PlanRequest(
            plan.Name, "new words", new QuotaDto(10, 40, null, null), false, null, 2, plan.TemplateIds,
            [.. plan.HardwareProfileIds, bigger.Id]));

        var updated = await response.ReadAsync<PlanDto>();
        Assert.Equal(new QuotaDto(10, 40, null, null), updated.Quota);
        Assert.False(updated.AllowShieldedVms);
        Assert.Equal(2, updated.HardwareProfileIds.Count);
        Assert.Equal(updated, await api.Admin.GetAsync<PlanDto>($"/api/admin/v1/plans/{plan.Id}") with
        {
            TemplateIds = updated.TemplateIds, HardwareProfileIds = updated.HardwareProfileIds,
        });
    }

    [Theory]
    [InlineData(-1, null, "maxVms")]
    [InlineData(null, 2_000_000, "maxVcpus")]
    public async Task CreatePlan_BadQuota_Returns400NamingTheField(int? maxVms, int? maxVcpus, string field)
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsJsonAsync("/api/admin/v1/plans", new PlanRequest(
            OffersApi.Unique("Bad"), null, new QuotaDto(maxVms, maxVcpus, null, null), false, null, null, [], []));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task CreatePlan_EmptyNameShortCodeUnknownTemplate_Returns400NamingEachField()
    {
        var api = await OffersApi.SignInAsync(factory);

        var noName = await api.Admin.PostAsJsonAsync("/api/admin/v1/plans", new PlanRequest(" ", null, null, false, null, null, [], []));
        var shortCode = await api.Admin.PostAsJsonAsync("/api/admin/v1/plans",
            new PlanRequest(OffersApi.Unique("Code"), null, null, false, "ab", null, [], []));
        var unknownTemplate = await api.Admin.PostAsJsonAsync("/api/admin/v1/plans",
            new PlanRequest(OffersApi.Unique("Tpl"), null, null, false, null, null, [Guid.NewGuid()], []));

        Assert.True((await noName.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("name", out _));
        Assert.True((await shortCode.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("invitationCode", out _));
        Assert.True((await unknownTemplate.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("templateIds", out _));
    }

    [Fact]
    public async Task CreatePlan_DuplicateName_Returns400()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(publish: false);

        var response = await api.Admin.PostAsJsonAsync("/api/admin/v1/plans",
            new PlanRequest(plan.Name, null, null, false, null, null, [], []));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task ClonePlan_CopiesSettingsAsPrivate()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(new QuotaDto(3, 6, 12, 120));

        var clone = await OffersApi.CreatedAsync<PlanDto>(
            await api.Admin.PostAsJsonAsync($"/api/admin/v1/plans/{plan.Id}/clone", new ClonePlanRequest(OffersApi.Unique("Silver"))));

        Assert.Equal(PlanState.Private, clone.State);
        Assert.Equal(plan.Quota, clone.Quota);
        Assert.Equal(plan.TemplateIds, clone.TemplateIds);
        Assert.NotEqual(plan.Id, clone.Id);
    }

    [Fact]
    public async Task DeletePlan_Unused_Succeeds_Used_Returns409()
    {
        var api = await OffersApi.SignInAsync(factory);
        var unused = await api.CreatePlanAsync(publish: false);
        var used = await api.CreatePlanAsync();
        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        await OffersApi.SubscribeAsync(tenant, used.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/admin/v1/plans/{unused.Id}")).StatusCode);
        var problem = await (await api.Admin.DeleteAsync($"/api/admin/v1/plans/{used.Id}")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("decommission", problem.GetProperty("detail").GetString());
        var listed = await api.Admin.GetItemsAsync<PlanDto>("/api/admin/v1/plans");
        Assert.DoesNotContain(listed, p => p.Id == unused.Id);
        Assert.Equal(1, listed.Single(p => p.Id == used.Id).SubscriptionCount);
    }

    [Fact]
    public async Task AddOns_CreatePublishDecommissionDelete()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var addOn = await api.CreateAddOnAsync(plan.Id, new ResourceAmount(1, 2, 4, 40));

        var fetched = await api.Admin.GetAsync<AddOnDto>($"/api/admin/v1/addons/{addOn.Id}");
        Assert.Equal(PlanState.Public, fetched.State);
        Assert.Equal([plan.Id], fetched.PlanIds);

        var updated = await (await api.Admin.PutAsJsonAsync($"/api/admin/v1/addons/{addOn.Id}",
            new AddOnRequest(addOn.Name, "more", new ResourceAmount(2, 2, 4, 40), 5, []))).ReadAsync<AddOnDto>();
        Assert.Empty(updated.PlanIds);
        Assert.Equal(5, updated.MaxPerSubscription);

        var decommissioned = await api.Admin.PostAsync($"/api/admin/v1/addons/{addOn.Id}/decommission", null);
        Assert.Equal(PlanState.Decommissioned, (await decommissioned.ReadAsync<AddOnDto>()).State);
        Assert.Contains(await api.Admin.GetItemsAsync<AddOnDto>("/api/admin/v1/addons"), a => a.Id == addOn.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/admin/v1/addons/{addOn.Id}")).StatusCode);
    }

    [Fact]
    public async Task CreateAddOn_AddsNothing_Returns400NamingExtra()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsJsonAsync("/api/admin/v1/addons",
            new AddOnRequest(OffersApi.Unique("Empty"), null, ResourceAmount.Zero, 1, []));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("extra", out _));
    }

    [Fact]
    public async Task UnknownPlan_Returns404()
    {
        var api = await OffersApi.SignInAsync(factory);

        await (await api.Admin.GetAsync($"/api/admin/v1/plans/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.Admin.PostAsync($"/api/admin/v1/plans/{Guid.NewGuid()}/publish", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Tenant_CallingPlanAdminApi_Answers403()
    {
        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);

        await (await tenant.GetAsync("/api/admin/v1/plans")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await tenant.GetAsync("/api/admin/v1/addons")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
