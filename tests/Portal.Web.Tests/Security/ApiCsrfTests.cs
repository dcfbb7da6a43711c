using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;
using Portal.Web.Tests.ShieldingData;

namespace Portal.Web.Tests.Security;

/// <summary>
/// A browser sends the sign-in cookie with cross-site requests too, so no state-changing API call may run on the
/// cookie alone: the API's changes take a bearer token. Walks the app's own endpoint list, so a new endpoint cannot
/// be forgotten.
/// </summary>
public sealed partial class ApiCsrfTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    private const string EvilOrigin = "http://evil.example";

    private static readonly string[] StateChanging = ["POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public async Task EveryStateChangingApiEndpoint_RefusesACookieOnlyCrossSiteCall()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var admin = await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);
        var endpoints = StateChangingApiEndpoints();
        Assert.True(endpoints.Count > 30, $"Only {endpoints.Count} state-changing API endpoints found");
        var failures = new List<string>();

        foreach (var (method, pattern, contentType) in endpoints)
        {
            foreach (var session in new[] { tenant, admin })
            {
                using var response = await CrossSiteAsync(session, method, Url(pattern), contentType);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                var expected = Expectation(method, pattern);
                if (!expected.Accepts(status, body))
                {
                    failures.Add($"{method} {pattern} as {session.Email}: {status} (expected {expected.Description}) {body}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task CrossSiteShieldingDataUpload_WithTenantCookie_IsRefusedAndStoresNothing()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(ShieldingFiles.Pdk()), "file", "evil.pdk" },
            { new StringContent("planted"), "friendlyName" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/shielding-data") { Content = form };
        request.Headers.Add("Origin", EvilOrigin);

        var response = await tenant.Client.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("bearer token", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(await factory.WithDbAsync(db => db.ShieldingData.AnyAsync(s => s.FriendlyName == "planted")));
    }

    [Fact]
    public async Task CrossSiteFormPost_WithAdminCookie_DoesNotPublishAPlan()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(publish: false);
        var admin = await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/v1/plans/{plan.Id}/publish")
        {
            Content = new FormUrlEncodedContent([]),
        };
        request.Headers.Add("Origin", EvilOrigin);

        var response = await admin.Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var state = await factory.WithDbAsync(db => db.Plans.Where(p => p.Id == plan.Id).Select(p => p.State).SingleAsync());
        Assert.Equal(Core.Plans.PlanState.Private, state);
    }

    [Fact]
    public async Task SafeApiReads_StillAcceptTheCookie_ForLinksOnPages()
    {
        var tenant = await PortalSession.SignUpAsync(factory);

        var guardian = await tenant.Client.GetAsync("/api/v1/fabric/guardian");

        Assert.Equal(HttpStatusCode.OK, guardian.StatusCode);
    }

    [Fact]
    public async Task StateChangingApiCall_WithBearerToken_StillWorks()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var api = await tenant.ApiClientAsync(factory);

        var response = await api.PostAsJsonAsync("/api/v1/tokens", new Features.ApiTokens.CreateApiTokenRequest("ci", 30));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("/account/sign-in")]
    [InlineData("/account/sign-up")]
    [InlineData("/account/sign-out")]
    public async Task FormPosts_WithoutAntiforgeryToken_AreRefused(string path)
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = path.EndsWith("sign-in", StringComparison.Ordinal) ? "sign-in" : "sign-up",
                ["Input.Email"] = tenant.Email,
                ["Input.Password"] = tenant.Password,
            }),
        };
        request.Headers.Add("Origin", EvilOrigin);

        var response = await tenant.Client.SendAsync(request);

        // Refused before running (the sign-out's 400 is re-executed as the portal's error page): still signed in.
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode} {response.Headers.Location}");
        Assert.False(response.Headers.Contains("Set-Cookie"), "A refused form post changed the cookies");
        Assert.Equal(HttpStatusCode.OK, (await tenant.Client.GetAsync("/")).StatusCode);
    }

    private List<(string Method, string Pattern, string ContentType)> StateChangingApiEndpoints() =>
    [
        .. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw
                && (raw.Equals("/api", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                .Intersect(StateChanging)
                .Select(method => (method, e.RoutePattern.RawText!,
                    e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.FirstOrDefault() ?? "application/json")))
            .Distinct()
            .OrderBy(e => e.Item2).ThenBy(e => e.method),
    ];

    /// <summary>What each state-changing endpoint must answer to a cookie-only call: 401 unless named here.</summary>
    private static Expected Expectation(string method, string pattern) => pattern switch
    {
        // Anonymous by design, and takes its credentials from the body, never from the cookie: no token issued.
        "/api/v1/auth/token" => new Expected("401 without a token",
            (status, body) => status == 401 && !body.Contains("accessToken", StringComparison.Ordinal)),

        // A host joins with a one-time join token in the body; the cookie plays no part, so nothing joins.
        "/api/fabric/v1/join" => new Expected("a refusal (no join token)", (status, _) => status is 400 or 401 or 404),

        // Agent endpoints take the host credential only.
        _ when pattern.StartsWith("/api/fabric/v1", StringComparison.Ordinal) => new Expected("401", (status, _) => status == 401),

        _ => new Expected("401", (status, _) => status == 401),
    };

    /// <summary>A body of the type the endpoint accepts (an empty one), so content negotiation does not answer first.</summary>
    private static async Task<HttpResponseMessage> CrossSiteAsync(PortalSession session, string method, string url, string contentType)
    {
        HttpContent content = contentType switch
        {
            "multipart/form-data" => new MultipartFormDataContent { { new StringContent("x"), "friendlyName" } },
            "application/json" => new StringContent("{}", MediaTypeHeaderValue.Parse(contentType)),
            _ => new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } },
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = content };
        request.Headers.Add("Origin", EvilOrigin);
        return await session.Client.SendAsync(request);
    }

    private static string Url(string pattern) => Parameter().Replace(pattern, m =>
        m.Groups["constraint"].Value switch
        {
            "guid" => Guid.NewGuid().ToString(),
            "int" or "long" => "1",
            _ => "x",
        });

    [GeneratedRegex(@"\{\*{0,2}(?<name>[^}:?=]+)(:(?<constraint>[^}?=]+))?[^}]*\}")]
    private static partial Regex Parameter();

    private sealed record Expected(string Description, Func<int, string, bool> Accepts);
}
