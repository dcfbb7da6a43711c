using System.Collections;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.Audit;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Contract;

/// <summary>Every list answers <c>{ items, total, nextLink }</c>, within documented limits, in a requested order.</summary>
public sealed class PagingTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task InMemoryList_WalkedByNextLink_GivesEveryItemOnce()
    {
        var tenant = await ContractRequests.TenantAsync(factory);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await tenant.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest($"token {i}"))).StatusCode);
        }

        var pages = await WalkAsync<ApiTokenDto>(tenant, "/api/v1/tokens?top=2");

        Assert.Equal([2, 2, 1], pages.Select(p => p.Items.Count));
        Assert.All(pages, p => Assert.Equal(5, p.Total));
        Assert.Equal(5, pages.SelectMany(p => p.Items).Select(t => t.Id).Distinct().Count());
        Assert.Null(pages[^1].NextLink);
    }

    [Fact]
    public async Task DatabaseList_WalkedByNextLink_KeepsItsFilter_AndMatchesOneBigPage()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var tenant = await ContractRequests.TenantAsync(factory);
        for (var i = 0; i < 5; i++)
        {
            await OffersApi.SubscribeAsync(tenant, plan.Id);
        }

        var tenantId = (await tenant.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions"))[0].TenantId;
        var pages = await WalkAsync<SubscriptionDto>(api.Admin, $"/api/admin/v1/subscriptions?tenantId={tenantId}&top=2");
        var all = await api.Admin.GetAsync<Page<SubscriptionDto>>($"/api/admin/v1/subscriptions?tenantId={tenantId}&top=200");

        Assert.Equal(3, pages.Count);
        Assert.Contains($"tenantId={tenantId}", pages[0].NextLink);
        Assert.Equal(all.Items.Select(s => s.Id), pages.SelectMany(p => p.Items).Select(s => s.Id));
        Assert.Equal(5, all.Total);
        var activity = await WalkAsync<AuditEntryDto>(tenant, "/api/v1/activity?top=2");
        Assert.Equal(activity[0].Total, activity.SelectMany(p => p.Items).Select(e => e.Id).Distinct().Count());
    }

    public static TheoryData<string> Lists =>
    [
        "/api/v1/vms", "/api/v1/jobs", "/api/v1/subscriptions", "/api/v1/plans", "/api/v1/shielding-data", "/api/v1/tokens",
        "/api/v1/activity", "/api/admin/v1/tenants", "/api/admin/v1/subscriptions", "/api/admin/v1/vms", "/api/admin/v1/jobs",
        "/api/admin/v1/audit", "/api/admin/v1/fabric/hosts", "/api/admin/v1/plans", "/api/admin/v1/addons",
        "/api/admin/v1/templates", "/api/admin/v1/hardware-profiles",
    ];

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task EveryList_OverTheMaximumPageSizeOrUnknownOrder_Answers400_WithinIt200(string url)
    {
        var client = url.StartsWith("/api/admin/", StringComparison.Ordinal)
            ? (await OffersApi.SignInAsync(factory)).Admin
            : await ContractRequests.TenantAsync(factory);

        var ok = await client.GetAsync($"{url}?top={ListQuery.MaxTop}");
        var tooMany = await client.GetAsync($"{url}?top={ListQuery.MaxTop + 1}");
        var none = await client.GetAsync($"{url}?top=0");
        var negative = await client.GetAsync($"{url}?skip=-1");
        var unknown = await client.GetAsync($"{url}?orderBy=secret");

        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        var page = await ok.ReadAsync<Page<System.Text.Json.JsonElement>>();
        Assert.True(page.Items.Count <= page.Total && page.Items.Count <= ListQuery.MaxTop);
        Assert.Contains("top", (await tooMany.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").ToString());
        await none.AssertProblemAsync(HttpStatusCode.BadRequest);
        await negative.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("orderBy", (await unknown.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").ToString());
    }

    [Fact]
    public async Task OrderBy_AllowedField_SortsAscendingOrDescending()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var tenant = await ContractRequests.TenantAsync(factory);
        foreach (var name in new[] { "Bravo", "Alpha", "Charlie" })
        {
            await OffersApi.CreatedAsync<SubscriptionDto>(await tenant.PostAsJsonAsync("/api/v1/subscriptions", new SubscribeRequest(plan.Id, name, null)));
        }

        var ascending = await tenant.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions?orderBy=displayName");
        var descending = await tenant.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions?orderBy=displayName%20desc");
        var byDefault = await tenant.GetItemsAsync<SubscriptionDto>("/api/v1/subscriptions");

        Assert.Equal(["Alpha", "Bravo", "Charlie"], ascending.Select(s => s.DisplayName));
        Assert.Equal(["Charlie", "Bravo", "Alpha"], descending.Select(s => s.DisplayName));
        Assert.Equal(["Bravo", "Alpha", "Charlie"], byDefault.Select(s => s.DisplayName));
    }

    [Fact]
    public async Task InMemoryList_OrderBy_SortsAscendingOrDescending_AcrossPages()
    {
        var tenant = await ContractRequests.TenantAsync(factory);
        foreach (var name in new[] { "bravo", "alpha", "delta", "charlie" })
        {
            Assert.Equal(HttpStatusCode.Created, (await tenant.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest(name))).StatusCode);
        }

        var ascending = (await WalkAsync<ApiTokenDto>(tenant, "/api/v1/tokens?orderBy=name&top=1")).SelectMany(p => p.Items).ToList();
        var descending = (await WalkAsync<ApiTokenDto>(tenant, "/api/v1/tokens?orderBy=name%20desc&top=3")).SelectMany(p => p.Items).ToList();

        Assert.Equal(["alpha", "bravo", "charlie", "delta"], ascending.Select(t => t.Name));
        Assert.Equal(["delta", "charlie", "bravo", "alpha"], descending.Select(t => t.Name));
    }

    [Fact]
    public void EveryGetEndpoint_ThatAnswersAList_AnswersAPage()
    {
        var lists = factory.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Where(e => e.RoutePattern.RawText is { } route && (route.StartsWith("/api/v1/") || route.StartsWith("/api/admin/v1/")))
            .SelectMany(e => e.Metadata.OfType<IProducesResponseTypeMetadata>()
                .Where(p => p.StatusCode == 200 && p.Type is { } type && type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
                .Select(p => $"GET {e.RoutePattern.RawText} answers {p.Type!.Name}"))
            .ToList();

        Assert.Empty(lists);
    }

    private static async Task<List<Page<T>>> WalkAsync<T>(HttpClient client, string url)
    {
        var pages = new List<Page<T>>();
        for (string? next = url; next is not null && pages.Count < 20;)
        {
            var page = await client.GetAsync<Page<T>>(next);
            pages.Add(page);
            next = page.NextLink;
        }

        return pages;
    }
}
