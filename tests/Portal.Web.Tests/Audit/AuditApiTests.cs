using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.Audit;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Audit;

public sealed class AuditApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Activity_ShowsOnlyTheTenantsOwnEntries()
    {
        var mine = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        var theirs = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        await theirs.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("their secret plans", 30));
        await mine.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("my build server", 30));

        var page = await mine.GetFromJsonAsync<Page<AuditEntryDto>>("/api/v1/activity?top=200");

        Assert.Contains(page!.Items, e => e.Target.Contains("my build server", StringComparison.Ordinal));
        Assert.DoesNotContain(page.Items, e => e.Target.Contains("their secret plans", StringComparison.Ordinal));
        Assert.All(page.Items, e => Assert.Equal(page.Items[0].TenantId, e.TenantId));
    }

    [Fact]
    public async Task Activity_RecordsWhoAndWhat_NewestFirst()
    {
        var session = await PortalSession.SignUpAsync(factory);
        var api = await session.ApiClientAsync(factory);
        await api.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("first", 30));
        await api.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("second", 30));

        var page = await api.GetFromJsonAsync<Page<AuditEntryDto>>("/api/v1/activity?search=api-token.created");

        Assert.Equal(["second", "first"], page!.Items.Select(e => e.Target.Split('(', ')')[1]));
        Assert.All(page.Items, e => Assert.Equal(session.Email, e.ActorName));
    }

    [Fact]
    public async Task AdminAudit_SeesEveryTenant_AndCanFilterByTenant()
    {
        var tenant = await PortalSession.SignUpAsync(factory);
        await (await tenant.ApiClientAsync(factory)).PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("watched", 30));
        var admin = await (await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword))
            .ApiClientAsync(factory);

        var all = await admin.GetFromJsonAsync<Page<AuditEntryDto>>("/api/admin/v1/audit?search=watched");
        var tenantId = all!.Items.Single().TenantId;
        var filtered = await admin.GetFromJsonAsync<Page<AuditEntryDto>>($"/api/admin/v1/audit?tenantId={tenantId}&top=200");

        Assert.Equal($"Org {tenant.Email}", all.Items.Single().TenantName);
        Assert.All(filtered!.Items, e => Assert.Equal(tenantId, e.TenantId));
        Assert.Contains(filtered.Items, e => e.Action == "tenant.signed-up");
    }

    [Fact]
    public async Task Tenant_ReadingProviderAudit_Answers403()
    {
        var api = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);

        var response = await api.GetAsync("/api/admin/v1/audit");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_ReadingTenantActivity_Answers403()
    {
        var admin = await (await PortalSession.SignInAsync(factory, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword))
            .ApiClientAsync(factory);

        var response = await admin.GetAsync("/api/v1/activity");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
