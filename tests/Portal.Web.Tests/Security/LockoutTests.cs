using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.Account;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.Audit;
using Portal.Web.Features.Tenants;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Security;

/// <summary>A lockout (anyone can cause one) stops password sign-in only; an admin can end it.</summary>
public sealed class LockoutTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Lockout_LeavesExistingPersonalAccessTokensWorking()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var session = await tenant.ApiClientAsync(factory);
        var created = await session.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("build server", 30));
        var personal = (await OffersApi.CreatedAsync<IssuedApiToken>(created)).Secret;

        await LockOutAsync(tenant.Email);

        var withToken = factory.CreateBrowserlessClient();
        withToken.DefaultRequestHeaders.Authorization = new("Bearer", personal);
        Assert.Equal(HttpStatusCode.OK, (await withToken.GetAsync("/api/v1/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/api/v1/tokens")).StatusCode);
        var rightPassword = await factory.CreateBrowserlessClient().PostAsJsonAsync(
            "/api/v1/auth/token", new TokenRequest(tenant.Email, tenant.Password));
        await rightPassword.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task DeletedUser_LosesTheirTokens()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var api = await tenant.ApiClientAsync(factory);
        var admin = (await OffersApi.SignInAsync(factory)).Admin;
        var tenantId = (await api.GetFromJsonAsync<Page<AuditEntryDto>>("/api/v1/activity"))!.Items[0].TenantId;

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/v1/tenants/{tenantId}")).StatusCode);

        await (await api.GetAsync("/api/v1/tokens")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_UnlocksALockedUser_WhoCanSignInAgain_AndItIsAudited()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var tenantId = (await (await tenant.ApiClientAsync(factory)).GetFromJsonAsync<Page<AuditEntryDto>>("/api/v1/activity"))!.Items[0].TenantId!.Value;
        await LockOutAsync(tenant.Email);
        var admin = (await OffersApi.SignInAsync(factory)).Admin;
        var locked = (await admin.GetFromJsonAsync<TenantDetailsDto>($"/api/admin/v1/tenants/{tenantId}", OffersJson.Options))!.Users.Single();
        Assert.True(locked.LockedOut);

        var unlocked = await admin.PostAsync($"/api/admin/v1/tenants/{tenantId}/users/{locked.Id}/unlock", null);

        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.False((await unlocked.Content.ReadFromJsonAsync<TenantDetailsDto>(OffersJson.Options))!.Users.Single().LockedOut);
        var signIn = await factory.CreateBrowserlessClient().PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(tenant.Email, tenant.Password));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var audit = await admin.GetFromJsonAsync<Page<AuditEntryDto>>($"/api/admin/v1/audit?search=user.unlocked&tenantId={tenantId}");
        var entry = Assert.Single(audit!.Items);
        Assert.Equal(PortalWebFactory.AdminEmail, entry.ActorName);
        Assert.Contains(tenant.Email, entry.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unlock_UserOfAnotherTenant_Answers404()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var other = await PortalSession.SignUpAsync(factory);
        var admin = (await OffersApi.SignInAsync(factory)).Admin;
        var tenantId = (await (await tenant.ApiClientAsync(factory)).GetFromJsonAsync<Page<AuditEntryDto>>("/api/v1/activity"))!.Items[0].TenantId;
        var otherId = (await (await other.ApiClientAsync(factory)).GetFromJsonAsync<Page<AuditEntryDto>>("/api/v1/activity"))!.Items[0].TenantId;
        var otherUser = (await admin.GetFromJsonAsync<TenantDetailsDto>($"/api/admin/v1/tenants/{otherId}", OffersJson.Options))!.Users.Single();

        var response = await admin.PostAsync($"/api/admin/v1/tenants/{tenantId}/users/{otherUser.Id}/unlock", null);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unlock_ByATenant_Answers403()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        var api = await tenant.ApiClientAsync(factory);

        var response = await api.PostAsync($"/api/admin/v1/tenants/{Guid.NewGuid()}/users/{Guid.NewGuid()}/unlock", null);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    private async Task LockOutAsync(string email)
    {
        var client = factory.CreateBrowserlessClient();
        for (var attempt = 0; attempt < IdentitySetup.MaxFailedSignIns; attempt++)
        {
            await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(email, "Wrong-Passw0rd-9"));
        }
    }
}
