using System.Net;
using System.Text.RegularExpressions;
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

    [Fact]
    public async Task SubscriptionsPage_PlanNotHeld_OffersSubscribeWithoutBadge()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(maxSubscriptions: 1);
        var tenant = await PortalSession.SignUpAsync(factory);

        var card = PlanCard(await tenant.Client.GetStringAsync("/subscriptions"), plan.Id);

        Assert.DoesNotContain("plan-subscribed", card);
        Assert.Contains(">Subscribe<", Squeezed(card));
        Assert.DoesNotContain("disabled", SubscribeButton(card, plan.Id));
    }

    [Fact]
    public async Task SubscriptionsPage_PlanHeldAndMoreAllowed_ShowsSubscribedAndSubscribeAgain()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(maxSubscriptions: 2);
        var tenant = await PortalSession.SignUpAsync(factory);
        await OffersApi.SubscribeAsync(await tenant.ApiClientAsync(factory), plan.Id);

        var card = PlanCard(await tenant.Client.GetStringAsync("/subscriptions"), plan.Id);

        Assert.Contains("data-testid=\"plan-subscribed\"", card);
        Assert.Contains(">Subscribed<", Squeezed(card));
        Assert.Contains(">Subscribe again<", Squeezed(card));
        Assert.DoesNotContain("disabled", SubscribeButton(card, plan.Id));
        Assert.DoesNotContain($"plan-limit-{plan.Id}", card);
    }

    [Fact]
    public async Task SubscriptionsPage_PlanHeldAtItsMaximum_DisablesSubscribeAndSaysWhy()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(maxSubscriptions: 1);
        var tenant = await PortalSession.SignUpAsync(factory);
        await OffersApi.SubscribeAsync(await tenant.ApiClientAsync(factory), plan.Id);

        var card = PlanCard(await tenant.Client.GetStringAsync("/subscriptions"), plan.Id);

        Assert.Contains(">Subscribed<", Squeezed(card));
        Assert.Contains("disabled", SubscribeButton(card, plan.Id));
        Assert.Contains($"aria-describedby=\"plan-limit-{plan.Id}\"", SubscribeButton(card, plan.Id));
        Assert.Contains($"Plan '{plan.Name}' allows at most 1 subscription(s) per account; this account already has 1.", card);
    }

    /// <summary>The plan's card, from its opening tag to the next card or the end of the plans section.</summary>
    private static string PlanCard(string page, Guid planId)
    {
        var html = WebUtility.HtmlDecode(page);
        var start = html.IndexOf($"data-plan=\"{planId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "The plan's card is not on the page.");
        var next = html.IndexOf("data-plan=\"", start + 1, StringComparison.Ordinal);
        return html[start..(next < 0 ? html.Length : next)];
    }

    private static string SubscribeButton(string card, Guid planId)
    {
        var start = card.IndexOf($"id=\"subscribe-{planId}\"", StringComparison.Ordinal);
        var tagStart = card.LastIndexOf('<', start);
        return card[tagStart..(card.IndexOf('>', start) + 1)];
    }

    private static string Squeezed(string html) => Regex.Replace(html, @">\s+", ">").Replace(" <", "<");
}
