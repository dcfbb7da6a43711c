using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Tests.Infrastructure;
using Portal.Testing;

namespace Portal.HostGuardian.Tests;

/// <summary>
/// The standalone HGS's admin pages over HTTP: who gets in (the admin key, once, then a cookie), who is sent to sign in,
/// and that without an admin key the pages say the admin UI is off.
/// </summary>
public sealed partial class AdminPagesTests
{
    private const string SignInPath = "/hgs/admin/sign-in";

    [Theory]
    [InlineData("/hgs/admin")]
    [InlineData("/hgs/admin/baselines")]
    [InlineData("/hgs/admin/ci-policies")]
    [InlineData("/hgs/admin/history")]
    [InlineData("/hgs/admin/hosts/6f1c2a4e-0000-4000-8000-000000000001/measurements")]
    public async Task AdminPage_WithoutTheCookie_RedirectsToSignIn(string path)
    {
        using var hgs = new HgsTestHost();
        using var client = Browser(hgs);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(SignInPath, new Uri(client.BaseAddress!, response.Headers.Location!).PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongKey_IsRefusedAndAudited()
    {
        using var hgs = new HgsTestHost();
        using var client = Browser(hgs);

        using var response = await SignInAsync(client, "not-the-admin-key-at-all");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That is not the HGS admin key.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(".Hgs.Admin=", StringComparison.Ordinal));
        using var stillOut = await client.GetAsync("/hgs/admin");
        Assert.Equal(HttpStatusCode.Redirect, stillOut.StatusCode);

        var audit = await hgs.CreateAdminClient().GetFromJsonAsync<List<HgsAuditEntryDto>>($"{HgsRoutes.Admin}/audit");
        var refused = Assert.Single(audit!, e => e.Action == "admin-ui.sign-in");
        Assert.Equal("Refused", refused.Outcome);
        Assert.Equal("anonymous", refused.Actor);
    }

    [Fact]
    public async Task SignIn_RightKey_OpensTheHostsPageWithTheRegisteredHosts()
    {
        using var hgs = new HgsTestHost();
        await hgs.RegisterAsync(new RegisterHostRequest("page-host-1", AttestationMode.AdminTrusted, Group: await GroupAsync(hgs)));
        using var client = Browser(hgs);

        using var signIn = await SignInAsync(client, HgsTestHost.AdminKey);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/hgs/admin", new Uri(client.BaseAddress!, signIn.Headers.Location!).PathAndQuery);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".Hgs.Admin=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var hosts = await client.GetAsync("/hgs/admin");
        Assert.Equal(HttpStatusCode.OK, hosts.StatusCode);
        var html = await hosts.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Hosts</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Host Guardian Service", html, StringComparison.Ordinal);
        Assert.Contains("data-host=\"page-host-1\"", html, StringComparison.Ordinal);
        Assert.Contains("Never attested", html, StringComparison.Ordinal);

        var audit = await hgs.CreateAdminClient().GetFromJsonAsync<List<HgsAuditEntryDto>>($"{HgsRoutes.Admin}/audit");
        Assert.Contains(audit!, e => e.Action == "admin-ui.sign-in" && e.Outcome == "Succeeded");
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        using var hgs = new HgsTestHost();
        using var client = Browser(hgs);
        using var signIn = await SignInAsync(client, HgsTestHost.AdminKey);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var page = await client.GetStringAsync("/hgs/admin/baselines");

        using var signOut = await client.PostAsync("/hgs/admin/sign-out", new FormUrlEncodedContent(
            new Dictionary<string, string> { [AntiforgeryForm.FieldName] = AntiforgeryForm.TokenIn(page) }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var after = await client.GetAsync("/hgs/admin/baselines");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task AdminUi_WithoutAnAdminKey_IsOff()
    {
        // Only Development starts without an admin key.
        using var hgs = new HgsTestHost(s => s["Hgs:AdminApiKey"] = "", environment: "Development");
        using var client = Browser(hgs);

        using var hosts = await client.GetAsync("/hgs/admin");
        Assert.Equal(HttpStatusCode.Redirect, hosts.StatusCode);
        var html = await client.GetStringAsync(SignInPath);

        Assert.Contains("The HGS admin UI is off", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"admin-key\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInPage_ReferencesBlazorScriptThatHgsServes()
    {
        // Development: the build output serves its static assets from their source folders only there.
        using var hgs = new HgsTestHost(environment: "Development");
        using var client = Browser(hgs);
        var html = await client.GetStringAsync(SignInPath);
        var script = BlazorScript().Match(html);
        Assert.True(script.Success, "The sign-in page has no blazor.web.js script.");

        using var response = await client.GetAsync("/" + script.Groups[1].Value.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("javascript", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
    }

    private static HttpClient Browser(HgsTestHost hgs) =>
        hgs.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key)
    {
        var form = await client.GetStringAsync(SignInPath);
        return await client.PostAsync(SignInPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "hgs-sign-in",
            [AntiforgeryForm.FieldName] = AntiforgeryForm.TokenIn(form),
            ["Input.AdminKey"] = key,
        }));
    }

    private static async Task<string> GroupAsync(HgsTestHost hgs)
    {
        using var response = await hgs.CreateAdminClient().PostAsJsonAsync($"{HgsRoutes.Admin}/host-groups", new HostGroupRequest("page-group"));
        response.EnsureSuccessStatusCode();
        return "page-group";
    }

    [GeneratedRegex("<script src=\"([^\"]*_framework/blazor\\.web[^\"]*\\.js)\"")]
    private static partial Regex BlazorScript();
}
