using System.Net;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Account;

public sealed class AuthorizationTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Unauthenticated_ApiCall_Answers401ProblemNotRedirect()
    {
        var client = factory.CreateBrowserlessClient();

        var response = await client.GetAsync("/api/v1/tokens");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Unauthenticated_Page_RedirectsToSignIn()
    {
        var client = factory.CreateBrowserlessClient();

        var response = await client.GetAsync("/api-tokens");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/sign-in", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/plans")]
    [InlineData("/admin/fabric")]
    public async Task Tenant_OpeningAdminPages_IsSentToAccessDenied(string path)
    {
        var tenant = await PortalSession.SignUpAsync(factory);

        var response = await tenant.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/access-denied", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Tenant_CallingAdminApi_Answers403Problem()
    {
        var api = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);

        var response = await api.GetAsync("/api/admin/v1/tenants");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Tenant_CallingAdminApiWithCookie_Answers403ProblemNotRedirect()
    {
        var tenant = await PortalSession.SignUpAsync(factory);

        var response = await tenant.Client.GetAsync("/api/admin/v1/tenants");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_ReachesAdminPageAndApi()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var admin = await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var page = await admin.Client.GetAsync("/admin");
        var api = await (await admin.ApiClientAsync(factory)).GetStringAsync("/api/admin/v1/tenants?top=200");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Provider overview", await page.Content.ReadAsStringAsync());
        Assert.Contains($"Org {tenant.Email}", api);
    }

    [Fact]
    public async Task Admin_OpeningTenantPages_IsSentToAccessDenied()
    {
        var admin = await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var response = await admin.Client.GetAsync("/vms");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/access-denied", response.Headers.Location?.ToString());
    }
}
