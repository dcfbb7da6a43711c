using System.Net;
using Portal.Web.Features.AddOns;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Plans;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;
using Portal.Web.Tests.ShieldingData;

namespace Portal.Web.Tests.Contract;

/// <summary>Every 201 Created names, in its Location, a resource that GET answers.</summary>
public sealed class LocationTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task EveryCreate_ItsLocationAnswersGet_WithTheCreatedResource()
    {
        var api = await OffersApi.SignInAsync(factory);
        var admin = api.Admin;
        var tenant = await ContractRequests.TenantAsync(factory);
        var plan = await api.CreatePlanAsync();
        var subscribed = await OffersApi.SubscribeAsync(tenant, plan.Id);
        var creates = new (HttpClient Client, HttpResponseMessage Response)[]
        {
            (admin, await admin.SendAsync(HttpMethod.Post, "/api/admin/v1/hardware-profiles",
                new HardwareProfileRequest(OffersApi.Unique("Size"), 2, 4, 40, null))),
            (admin, await admin.SendAsync(HttpMethod.Post, "/api/admin/v1/templates", new TemplateRequest(
                OffersApi.Unique("Linux"), Core.Gallery.OsFamily.Linux, "24.04", 2, "linux.vhdx", 20, null, null))),
            (admin, await admin.SendAsync(HttpMethod.Post, "/api/admin/v1/plans", new PlanRequest(
                OffersApi.Unique("Silver"), null, null, false, null, null, [], []))),
            (admin, await admin.SendAsync(HttpMethod.Post, $"/api/admin/v1/plans/{plan.Id}/clone", new ClonePlanRequest(OffersApi.Unique("Copy")))),
            (admin, await admin.SendAsync(HttpMethod.Post, "/api/admin/v1/addons",
                new AddOnRequest(OffersApi.Unique("More"), null, new Core.Quotas.ResourceAmount(1, 0, 0, 0), 2, [plan.Id]))),
            (admin, await admin.SendAsync(HttpMethod.Post, "/api/admin/v1/subscriptions",
                new AdminSubscribeRequest(subscribed.TenantId, plan.Id, "By the provider"))),
            (admin, await admin.SendAsync(HttpMethod.Post, "/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1))),
            (admin, await admin.SendAsync(HttpMethod.Post, "/api/v1/tokens", new CreateApiTokenRequest("admin automation"))),
            (tenant, await tenant.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", new SubscribeRequest(plan.Id, "Staging", null))),
            (tenant, await tenant.PostAsync("/api/v1/shielding-data", ShieldingFiles.Form(ShieldingFiles.Pdk(), "Web tier"))),
            (tenant, await tenant.SendAsync(HttpMethod.Post, "/api/v1/tokens", new CreateApiTokenRequest("deploy"))),
        };

        foreach (var (client, response) in creates)
        {
            var request = $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri!.AbsolutePath}";
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{request}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var location = response.Headers.Location ?? throw new Xunit.Sdk.XunitException($"{request}: no Location");

            var fetched = await client.GetAsync(location);

            Assert.True(fetched.StatusCode == HttpStatusCode.OK, $"{request}: GET {location} answered {(int)fetched.StatusCode}");
            Assert.Equal(await response.IdAsync(), await fetched.IdAsync());
        }
    }

    [Fact]
    public async Task TenantCreates_TheirLocationsAnswer404ToAnotherTenant()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var owner = await ContractRequests.TenantAsync(factory);
        var other = await ContractRequests.TenantAsync(factory);
        var creates = new[]
        {
            await owner.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", new SubscribeRequest(plan.Id, "Mine", null)),
            await owner.PostAsync("/api/v1/shielding-data", ShieldingFiles.Form(ShieldingFiles.Pdk(), "Mine")),
            await owner.SendAsync(HttpMethod.Post, "/api/v1/tokens", new CreateApiTokenRequest("mine")),
        };

        foreach (var created in creates)
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(created.Headers.Location)).StatusCode);
            await (await other.GetAsync(created.Headers.Location)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }
}
