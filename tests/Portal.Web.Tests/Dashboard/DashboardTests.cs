using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Dashboard;

public sealed class DashboardTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Dashboard_CountsTheTenantsOwnThings_AndInvitesAFirstSubscription()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var api = await tenant.ApiClientAsync(factory);
        await api.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("one", 30));
        await api.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("two", 30));
        var other = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        await other.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("not mine", 30));

        var html = await tenant.Client.GetStringAsync("/");

        Assert.Contains($"Org {tenant.Email}", html);
        Assert.Matches(@"data-testid=""tile-tokens""[^>]*>[\s\S]*?<span class=""tile-count""[^>]*>2</span>", html);
        Assert.Contains("Choose a plan", html);
    }

    [Fact]
    public async Task Dashboard_OfASuspendedTenant_SaysSo()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var admin = await (await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword))
            .ApiClientAsync(factory);
        var tenants = await admin.GetStringAsync($"/api/admin/v1/tenants?search={Uri.EscapeDataString(tenant.Email)}");
        var id = System.Text.Json.JsonDocument.Parse(tenants).RootElement.GetProperty("items")[0].GetProperty("id").GetGuid();

        var suspended = await admin.PostAsync($"/api/admin/v1/tenants/{id}/suspend", null);
        var html = await tenant.Client.GetStringAsync("/");

        Assert.True(suspended.IsSuccessStatusCode, $"suspend answered {(int)suspended.StatusCode}");
        Assert.Contains("Your account is suspended", html);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Client.GetAsync("/")).StatusCode);
    }
}
