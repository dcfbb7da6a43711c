using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Portal.Web.Features.Account;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Security;

public sealed partial class SecurityHeadersTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Theory]
    [InlineData("/account/sign-in")]
    [InlineData("/account/sign-up")]
    public async Task HtmlPage_HasAContentSecurityPolicy_WithoutInlineScripts(string path)
    {
        var response = await factory.CreateClient().GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        var policy = Directives(string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        var scripts = policy["script-src"];
        Assert.Contains("'self'", scripts);
        Assert.DoesNotContain("'unsafe-inline'", scripts);
        Assert.DoesNotContain("'unsafe-eval'", scripts);
        Assert.Equal(["'none'"], policy["object-src"]);
        Assert.Equal(["'self'"], policy["base-uri"]);
        Assert.Equal(["'self'"], policy["frame-ancestors"]);

        // The one inline script, the import map, carries this response's nonce.
        var nonce = Assert.Single(scripts, s => s.StartsWith("'nonce-", StringComparison.Ordinal))[7..^1];
        var importMap = ImportMap().Match(html);
        Assert.True(importMap.Success, "No import map on the page");
        Assert.Equal(nonce, WebUtility.HtmlDecode(importMap.Groups[1].Value));
        Assert.DoesNotMatch(InlineScriptWithoutNonce(), html);
        AssertCommonHeaders(response);
    }

    [Fact]
    public async Task Nonce_IsNewForEveryResponse()
    {
        var client = factory.CreateClient();

        var first = string.Join(";", (await client.GetAsync("/account/sign-in")).Headers.GetValues("Content-Security-Policy"));
        var second = string.Join(";", (await client.GetAsync("/account/sign-in")).Headers.GetValues("Content-Security-Policy"));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task ApiReferencePage_CannotBeFramedByOtherSites()
    {
        var response = await factory.CreateClient().GetAsync("/api/reference");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = Directives(string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(["'self'"], policy["frame-ancestors"]);
        Assert.Equal("SAMEORIGIN", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        AssertCommonHeaders(response);
    }

    [Fact]
    public async Task ApiAnswers_AreNotSniffed_AndNotFramed()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/no-such-thing");

        AssertCommonHeaders(response);
        Assert.Contains("frame-ancestors 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task TokenAnswers_AreNeverCached()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var client = factory.CreateBrowserlessClient();

        var session = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, tenant.Password));
        var refused = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, "Wrong-Passw0rd-9"));
        var personal = await (await tenant.ApiClientAsync(factory)).PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("ci", 30));

        foreach (var response in new[] { session, refused, personal })
        {
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{response.RequestMessage!.RequestUri} lacks Cache-Control: no-store");
        }

        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Equal(HttpStatusCode.Created, personal.StatusCode);
    }

    [Fact]
    public async Task Hsts_IsSentOverHttps_OutsideDevelopment()
    {
        var client = factory.CreateClient(new() { BaseAddress = new Uri("https://portal.example"), AllowAutoRedirect = false });

        var response = await client.GetAsync("/account/sign-in");

        Assert.Contains("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    private static void AssertCommonHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    private static Dictionary<string, string[]> Directives(string policy) =>
        policy.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .GroupBy(d => d[0])
            .ToDictionary(g => g.Key, g => g.First()[1..]);

    [GeneratedRegex("<script type=\"importmap\" nonce=\"([^\"]+)\"")]
    private static partial Regex ImportMap();

    [GeneratedRegex("<script(?![^>]*\\b(src|nonce)=)[^>]*>")]
    private static partial Regex InlineScriptWithoutNonce();
}
