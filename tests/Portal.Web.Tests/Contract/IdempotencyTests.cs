using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Idempotency;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Plans;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Infrastructure.Idempotency;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;
using Portal.Web.Tests.ShieldingData;

namespace Portal.Web.Tests.Contract;

public sealed class IdempotencyTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Subscribe_SameKeyTwice_OneSubscription_TheSameAnswer()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync();
        var tenant = await ContractRequests.TenantAsync(factory);
        var key = Guid.NewGuid().ToString();
        var request = new SubscribeRequest(plan.Id, "Production", null);

        var first = await tenant.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", request, key);
        var second = await tenant.SendAsync(HttpMethod.Post, "/api/v1/subscriptions", request, key);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.True(second.Headers.Contains(IdempotencyMetadata.ReplayedHeaderName));
        var tenantId = (await first.ReadAsync<SubscriptionDto>()).TenantId;
        Assert.Equal(1, await factory.WithDbAsync(db => db.Subscriptions.CountAsync(s => s.TenantId == tenantId)));
    }

    public static TheoryData<string> Creates => ["size", "plan", "shielding-data"];

    [Theory]
    [MemberData(nameof(Creates))]
    public async Task Create_SameKeyTwice_CreatesOnce(string create)
    {
        var api = await OffersApi.SignInAsync(factory);
        var tenant = await ContractRequests.TenantAsync(factory);
        var name = OffersApi.Unique("Same");
        var pdk = ShieldingFiles.Pdk();
        Func<string, Task<HttpResponseMessage>> send = create switch
        {
            "size" => key => api.Admin.SendAsync(HttpMethod.Post, "/api/admin/v1/hardware-profiles", new HardwareProfileRequest(name, 2, 4, 40, null), key),
            "plan" => key => api.Admin.SendAsync(HttpMethod.Post, "/api/admin/v1/plans", new PlanRequest(name, null, null, false, null, null, [], []), key),
            // A new form each time: its multipart boundary differs, the request does not.
            _ => key => tenant.SendAsync(HttpMethod.Post, "/api/v1/shielding-data", ShieldingFiles.Form(pdk, name), key),
        };
        var key = Guid.NewGuid().ToString();

        var first = await send(key);
        var second = await send(key);

        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        Assert.True(second.StatusCode == HttpStatusCode.Created, await second.Content.ReadAsStringAsync());
        Assert.Equal(await first.IdAsync(), await second.IdAsync());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        // The same values under a new key are a new request: here refused as a duplicate name, so nothing was made twice before.
        var third = await send(Guid.NewGuid().ToString());
        await third.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    public static TheoryData<string> SecretCreates => ["token", "join-token"];

    [Theory]
    [MemberData(nameof(SecretCreates))]
    public async Task SecretCreate_SameKeyTwice_CreatesOnce_KeepsNoSecret_AndTheReplayPointsAtIt(string create)
    {
        var api = await OffersApi.SignInAsync(factory);
        var tenant = await ContractRequests.TenantAsync(factory);
        var name = OffersApi.Unique("Same");
        Func<string, Task<HttpResponseMessage>> send = create switch
        {
            "token" => key => tenant.SendAsync(HttpMethod.Post, "/api/v1/tokens", new CreateApiTokenRequest(name), key),
            _ => key => api.Admin.SendAsync(HttpMethod.Post, "/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(2), key),
        };
        var key = Guid.NewGuid().ToString();

        var first = await send(key);
        var firstBody = await first.Content.ReadAsStringAsync();
        var second = await send(key);

        Assert.True(first.StatusCode == HttpStatusCode.Created, firstBody);
        var problem = await second.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("shown once", problem.GetProperty("detail").GetString());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        var replayed = await second.Content.ReadAsStringAsync();
        var secrets = System.Text.Json.JsonDocument.Parse(firstBody).RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == System.Text.Json.JsonValueKind.String && p.Value.GetString()!.Contains('_'))
            .Select(p => p.Value.GetString()!).ToList();
        Assert.NotEmpty(secrets);
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, replayed, StringComparison.Ordinal));
        var stored = await factory.WithDbAsync(db => db.IdempotencyRecords.SingleAsync(r => r.Key == key));
        Assert.True(stored.Body is null or { Length: 0 }, "a response holding a secret was stored");
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task SameKey_DifferentRequest_Returns422_AndCreatesNothing()
    {
        var api = await OffersApi.SignInAsync(factory);
        var key = Guid.NewGuid().ToString();
        var first = await api.Admin.SendAsync(HttpMethod.Post, "/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest(OffersApi.Unique("First"), 2, 4, 40, null), key);
        var secondName = OffersApi.Unique("Second");

        var second = await api.Admin.SendAsync(HttpMethod.Post, "/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest(secondName, 4, 8, 80, null), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var problem = await second.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("different request", problem.GetProperty("detail").GetString());
        Assert.False(await factory.WithDbAsync(db => db.HardwareProfiles.AnyAsync(p => p.Name == secondName)));
    }

    [Fact]
    public async Task FailedRequest_ReleasesTheKey_SoARetryWithItRuns()
    {
        var api = await OffersApi.SignInAsync(factory);
        var key = Guid.NewGuid().ToString();
        var name = OffersApi.Unique("Retry");

        var refused = await api.Admin.SendAsync(HttpMethod.Post, "/api/admin/v1/hardware-profiles", new HardwareProfileRequest(name, 0, 4, 40, null), key);
        var retried = await api.Admin.SendAsync(HttpMethod.Post, "/api/admin/v1/hardware-profiles", new HardwareProfileRequest(name, 2, 4, 40, null), key);

        await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.False(retried.Headers.Contains(IdempotencyMetadata.ReplayedHeaderName));
    }

    [Fact]
    public async Task SameKey_WhileTheFirstRequestRuns_Returns409()
    {
        var api = await OffersApi.SignInAsync(factory);
        var key = Guid.NewGuid().ToString();
        var adminId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == PortalWebFactory.AdminEmail).Select(u => u.Id).SingleAsync());
        var store = factory.Services.GetRequiredService<IdempotencyStore>();
        Assert.IsType<IdempotencyStore.Claimed>(
            await store.ClaimAsync($"user:{adminId}", key, "POST /api/admin/v1/hardware-profiles", "in-flight", default));
        var name = OffersApi.Unique("Twin");

        var duplicate = await api.Admin.SendAsync(HttpMethod.Post, "/api/admin/v1/hardware-profiles", new HardwareProfileRequest(name, 2, 4, 40, null), key);

        await duplicate.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.False(await factory.WithDbAsync(db => db.HardwareProfiles.AnyAsync(p => p.Name == name)));
    }

    [Fact]
    public async Task ExpiredRecord_NoLongerHoldsTheKey_AndIsSwept()
    {
        var api = await OffersApi.SignInAsync(factory);
        var key = Guid.NewGuid().ToString();
        var adminId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == PortalWebFactory.AdminEmail).Select(u => u.Id).SingleAsync());
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        var expired = new[] { key, Guid.NewGuid().ToString() }.Select(k => new IdempotencyRecord
        {
            Id = Guid.NewGuid(), Scope = $"user:{adminId}", Key = k, Request = "POST /api/admin/v1/hardware-profiles",
            RequestHash = "another request", StatusCode = 201, Body = [], CreatedAt = old, ExpiresAt = old.AddDays(1),
        }).ToList();
        await factory.WithDbAsync(async db =>
        {
            db.IdempotencyRecords.AddRange(expired);
            return await db.SaveChangesAsync();
        });

        var created = await api.Admin.SendAsync(HttpMethod.Post, "/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest(OffersApi.Unique("Fresh"), 2, 4, 40, null), key);
        await factory.Services.GetRequiredService<IdempotencyStore>().SweepAsync(default);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.IdempotencyRecords.AnyAsync(r => r.Key == expired[1].Key)));
        Assert.True(await factory.WithDbAsync(db => db.IdempotencyRecords.AnyAsync(r => r.Key == key && r.StatusCode == 201)));
    }

    [Fact]
    public async Task EveryCreateEndpoint_DeclaresIdempotency()
    {
        var creates = factory.Services.GetServices<EndpointDataSource>()
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Where(e => e.RoutePattern.RawText is { } route && (route.StartsWith("/api/v1/") || route.StartsWith("/api/admin/v1/")))
            .Where(e => e.Metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>().Any(p => p.StatusCode == 201)
                || e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>()?.EndpointName is "CreateVm" or "CreateSubscriptionVm")
            .ToList();

        Assert.True(creates.Count >= 12, $"Found only {creates.Count} create endpoints: {string.Join(", ", creates.Select(e => e.RoutePattern.RawText))}");
        Assert.All(creates, e => Assert.True(e.Metadata.GetMetadata<IdempotencyMetadata>() is not null,
            $"POST {e.RoutePattern.RawText} creates but does not declare .WithIdempotency()"));
    }
}
