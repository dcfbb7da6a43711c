using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Portal.Web.Features.Account;

namespace Portal.E2E.Tests;

/// <summary>A provider admin ends a user's sign-in lockout from the Tenants page.</summary>
public sealed class UserUnlockTests(PortalFixture portal) : BrowserTest(portal), IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Admin_UnlocksALockedOutUser_WhoCanSignInAgain()
    {
        var tenant = TestTenant.New();
        await new SignUpPage(await NewPageAsync()).SignUpAsync(tenant);
        using var api = new HttpClient { BaseAddress = Portal.BaseAddress };
        for (var attempt = 0; attempt < IdentitySetup.MaxFailedSignIns; attempt++)
        {
            await api.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, "Wrong-Passw0rd-9"));
        }

        Assert.Equal(HttpStatusCode.Unauthorized,
            (await api.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, tenant.Password))).StatusCode);

        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var tenants = new AdminTenantsPage(Page);
        await tenants.OpenAsync();
        await tenants.SearchAsync(tenant.Organization);
        await tenants.OpenDetailsAsync(tenant.Organization);
        await Assertions.Expect(tenants.Details).ToContainTextAsync($"{tenant.Email}> (locked out)");

        await tenants.Details.Locator("fluent-button", new() { HasText = "Unlock" }).ClickAsync();

        await Assertions.Expect(tenants.Message).ToContainTextAsync($"{tenant.Email} can sign in again.");
        await Assertions.Expect(tenants.Details).Not.ToContainTextAsync("(locked out)");
        await tenants.ExpectNoCircuitErrorAsync();
        Assert.Equal(HttpStatusCode.OK,
            (await api.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, tenant.Password))).StatusCode);
    }
}
