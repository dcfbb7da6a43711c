using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.Account;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Account;

public sealed class SignInTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task SignIn_WrongPassword_ShowsErrorAndSetsNoCookie()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var session = PortalSession.Anonymous(factory);

        var response = await session.PostFormAsync("/account/sign-in", "sign-in", Fields(tenant.Email, "Wrong-Passw0rd-9"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Email or password is not correct.", await response.Content.ReadAsStringAsync());
        var dashboard = await session.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
    }

    [Fact]
    public async Task SignIn_WrongPasswordFiveTimes_LocksOutEvenTheRightPassword()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var session = PortalSession.Anonymous(factory);
        for (var attempt = 0; attempt < IdentitySetup.MaxFailedSignIns; attempt++)
        {
            await session.PostFormAsync("/account/sign-in", "sign-in", Fields(tenant.Email, "Wrong-Passw0rd-9"));
        }

        var response = await session.PostFormAsync("/account/sign-in", "sign-in", Fields(tenant.Email, tenant.Password));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(PasswordSignIn.FailureMessage, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await session.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_SharesLockoutWithSignIn()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var client = factory.CreateBrowserlessClient();
        for (var attempt = 1; attempt < IdentitySetup.MaxFailedSignIns; attempt++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, "Wrong-Passw0rd-9"));
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        var fifth = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, "Wrong-Passw0rd-9"));
        var right = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, tenant.Password));

        // Locked, the right password answers like a wrong one: the answer never tells which emails have accounts.
        await fifth.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var problem = await right.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(PasswordSignIn.FailureMessage, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TokenEndpoint_UnknownEmail_Answers401WithoutSayingWhich()
    {
        var client = factory.CreateBrowserlessClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest("nobody@tenant.test", "Whatever-Passw0rd-1"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(PasswordSignIn.FailureMessage, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SignIn_ForeignReturnUrl_LandsOnDashboardInstead()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var session = PortalSession.Anonymous(factory);
        var page = await session.Client.GetStringAsync("/account/sign-in?returnUrl=//evil.example/phish");
        Assert.Contains("Sign in", page);

        var response = await session.PostFormAsync(
            "/account/sign-in?returnUrl=//evil.example/phish", "sign-in", Fields(tenant.Email, tenant.Password));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var tenant = await PortalSession.SignUpAsync(factory);

        var signOut = await tenant.PostFormAsync("/", formName: null, [], postTo: "/account/sign-out");

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        var after = await tenant.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/account/sign-in", after.Headers.Location?.ToString());
    }

    private static Dictionary<string, string> Fields(string email, string password) => new()
    {
        ["Input.Email"] = email,
        ["Input.Password"] = password,
    };
}
