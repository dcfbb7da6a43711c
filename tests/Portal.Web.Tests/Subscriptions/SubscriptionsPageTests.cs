using System.Net;
using Portal.Core.Quotas;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Subscriptions;

/// <summary>The tenant's subscriptions page as first rendered on the server (before the circuit starts), with real data.</summary>
public sealed class SubscriptionsPageTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task SubscriptionsPage_PlanOffersAnAddOn_RendersTheAddOnChoice()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var addOn = await api.CreateAddOnAsync(plan.Id, new ResourceAmount(2, 4, 8, 100));
        var tenant = await PortalSession.SignUpAsync(factory);
        var subscription = await OffersApi.SubscribeAsync(await tenant.ApiClientAsync(factory), plan.Id);

        var response = await tenant.Client.GetAsync("/subscriptions");

        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {html}");
        Assert.Contains($"id=\"addon-{subscription.Id}\"", html);
        Assert.Contains($"{addOn.Name} (+2 VMs, +4 vCPUs, +8 GiB memory, +100 GiB storage; 0 of 3 added)", html);
    }
}
