using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Account;

public sealed class SignUpTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task SignUp_ThenSignIn_ReachesTenantDashboard()
    {
        var signedUp = await PortalSession.SignUpAsync(factory);

        var again = await PortalSession.SignInAsync(factory, signedUp.Email, signedUp.Password);
        var dashboard = await again.Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Welcome, Test Tenant", await dashboard.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignUp_CreatesTenantAndUserTogether_AndAuditsIt()
    {
        var session = await PortalSession.SignUpAsync(factory);

        var (tenantName, audited) = await factory.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == session.Email);
            var tenant = await db.Tenants.SingleAsync(t => t.Id == user.TenantId);
            var audit = await db.AuditEntries.AnyAsync(a => a.TenantId == tenant.Id && a.Action == "tenant.signed-up");
            return (tenant.Name, audit);
        });

        Assert.Equal($"Org {session.Email}", tenantName);
        Assert.True(audited);
    }

    [Fact]
    public async Task SignUp_WeakPassword_ShowsReasonAndCreatesNothing()
    {
        var email = $"{Guid.NewGuid():N}@tenant.test";
        var session = PortalSession.Anonymous(factory);

        var response = await session.PostFormAsync("/account/sign-up", "sign-up", SignUpFields(email, "short1A"));

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The password must be at least 12 characters.", html);
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));
        Assert.False(await factory.WithDbAsync(db => db.Tenants.AnyAsync(t => t.Name == $"Org {email}")));
    }

    [Fact]
    public async Task SignUp_PasswordWithoutDigit_IsRefusedByIdentityRules()
    {
        var email = $"{Guid.NewGuid():N}@tenant.test";
        var session = PortalSession.Anonymous(factory);

        var response = await session.PostFormAsync("/account/sign-up", "sign-up", SignUpFields(email, "NoDigitsAtAllHere"));

        Assert.Contains("Passwords must have at least one digit", await response.Content.ReadAsStringAsync());
        Assert.False(await factory.WithDbAsync(db => db.Tenants.AnyAsync(t => t.Name == $"Org {email}")));
    }

    [Fact]
    public async Task SignUp_TakenEmail_ShowsReasonAndCreatesNoSecondTenant()
    {
        var first = await PortalSession.SignUpAsync(factory);
        var session = PortalSession.Anonymous(factory);
        var fields = SignUpFields(first.Email, "Another-Passw0rd-2");
        fields["Input.Organization"] = "Squatters Inc";

        var response = await session.PostFormAsync("/account/sign-up", "sign-up", fields);

        Assert.Contains("An account with this email already exists.", await response.Content.ReadAsStringAsync());
        Assert.False(await factory.WithDbAsync(db => db.Tenants.AnyAsync(t => t.Name == "Squatters Inc")));
    }

    [Fact]
    public async Task SignUp_WithoutAntiforgeryToken_IsRejected()
    {
        var client = factory.CreateBrowserlessClient();

        var response = await client.PostAsync("/account/sign-up", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-up",
            ["Input.Email"] = "csrf@tenant.test",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == "csrf@tenant.test")));
    }

    private static Dictionary<string, string> SignUpFields(string email, string password) => new()
    {
        ["Input.Organization"] = $"Org {email}",
        ["Input.DisplayName"] = "Weak Password",
        ["Input.Email"] = email,
        ["Input.Password"] = password,
        ["Input.ConfirmPassword"] = password,
    };
}
