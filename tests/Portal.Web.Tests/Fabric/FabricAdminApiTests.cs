using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Fabric;
using Portal.Web.Features.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Fabric;

public sealed class FabricAdminApiTests(FabricTestApp app) : IClassFixture<FabricTestApp>
{
    [Theory]
    [InlineData("GET", "/api/admin/v1/fabric/hosts")]
    [InlineData("POST", "/api/admin/v1/fabric/join-tokens")]
    [InlineData("POST", "/api/admin/v1/fabric/hosts/0195a4b0-0000-7000-8000-000000000000/drain")]
    [InlineData("DELETE", "/api/admin/v1/fabric/hosts/0195a4b0-0000-7000-8000-000000000000")]
    public async Task Tenant_IsForbidden_AnonymousUnauthorized(string method, string url)
    {
        var tenant = await app.TenantAsync();

        var asTenant = await tenant.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { }) });
        var asNobody = await app.Anonymous().SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { }) });

        await asTenant.AssertProblemAsync(HttpStatusCode.Forbidden);
        await asNobody.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task HostCredential_CannotCallTheAdminApi()
    {
        var agent = await TestAgent.JoinedAsync(app, await app.AdminAsync());

        var response = await agent.Client.GetAsync("/api/admin/v1/fabric/hosts");

        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, response.StatusCode.ToString());
    }

    [Fact]
    public async Task JoinToken_IsShownOnce_WithTheAgentCommand_AndStoredHashed()
    {
        var admin = await app.AdminAsync();

        var issued = await OffersApi.CreatedAsync<IssuedJoinToken>(
            await admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(2)));

        Assert.StartsWith("tpjt_", issued.Token);
        Assert.Contains($"--HostAgent:JoinToken={issued.Token}", issued.AgentCommand);
        Assert.InRange(issued.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(115), TimeSpan.FromMinutes(121));
        var stored = await app.WithDbAsync(db => db.HostJoinTokens.AsNoTracking().SingleAsync(t => t.Id == issued.Id));
        Assert.Equal(FabricSecret.Hash(issued.Token), stored.SecretHash);
    }

    [Fact]
    public async Task JoinToken_LifetimeOutOfRange_Returns400()
    {
        var admin = await app.AdminAsync();

        var response = await admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(24 * 30));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Hosts_DrainMaintenanceResumeRemove_FollowTheStateMachine()
    {
        var admin = await app.AdminAsync();
        var agent = await TestAgent.JoinedAsync(app, admin);
        var url = $"/api/admin/v1/fabric/hosts/{agent.HostId}";

        await (await admin.PostAsync($"{url}/resume", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await agent.BeatOkAsync();
        Assert.Equal(HostState.Draining, (await (await admin.PostAsync($"{url}/drain", null)).ReadAsync<FabricHostDto>()).State);
        Assert.Equal(HostState.Maintenance, (await (await admin.PostAsync($"{url}/maintenance", null)).ReadAsync<FabricHostDto>()).State);
        Assert.Equal(HostState.Maintenance, (await agent.BeatOkAsync()).State);
        Assert.Equal(HostState.Active, (await (await admin.PostAsync($"{url}/resume", null)).ReadAsync<FabricHostDto>()).State);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(url)).StatusCode);
        await (await admin.DeleteAsync(url)).AssertProblemAsync(HttpStatusCode.Conflict);

        var listed = await admin.GetItemsAsync<FabricHostDto>("/api/admin/v1/fabric/hosts");
        var withRemoved = await admin.GetItemsAsync<FabricHostDto>("/api/admin/v1/fabric/hosts?includeRemoved=true");
        Assert.DoesNotContain(listed, h => h.Id == agent.HostId);
        Assert.Contains(withRemoved, h => h.Id == agent.HostId && h.State == HostState.Removed);
        var actions = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.Target.StartsWith($"host:{agent.HostId}"))
            .Select(a => a.Action).ToListAsync());
        Assert.Contains("fabric.host-draining", actions);
        Assert.Contains("fabric.host-removed", actions);
    }

    [Fact]
    public async Task Hosts_Details_ShowHeartbeatCapacityAndAttestation_UnknownIs404()
    {
        var admin = await app.AdminAsync();
        var agent = await TestAgent.JoinedAsync(app, admin);
        await agent.BeatOkAsync(agent.Passed(app.Certificate(agent)));

        var details = await admin.GetAsync<FabricHostDto>($"/api/admin/v1/fabric/hosts/{agent.HostId}");
        var missing = await admin.GetAsync($"/api/admin/v1/fabric/hosts/{Guid.NewGuid()}");

        Assert.True(details.Responding);
        Assert.True(details.HealthyForShieldedVms);
        Assert.Equal(Core.Attestation.AttestationStatus.Passed, details.Attestation.Status);
        Assert.Equal(2, details.VmCount);
        Assert.Equal(TestAgent.Capacity, details.Capacity);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Join_NameOfAHostStillInTheFabric_Returns409()
    {
        var admin = await app.AdminAsync();
        var first = await TestAgent.JoinedAsync(app, admin);

        var second = await TestAgent.Named(app, first.Name).JoinAsync(await app.JoinTokenAsync(admin));

        await second.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task FabricPage_AsRenderedOnTheServer_ShowsEachHostsHealthHeartbeatAndCapacity()
    {
        var admin = await app.AdminAsync();
        var healthy = await TestAgent.JoinedAsync(app, admin);
        var failing = await TestAgent.JoinedAsync(app, admin);
        await healthy.BeatOkAsync(healthy.Passed(app.Certificate(healthy)));
        await failing.BeatOkAsync(failing.Failed(Core.Attestation.AttestationStatus.InsecureHostConfiguration,
            Core.Attestation.AttestationSubStatus.SecureBoot, "Secure Boot is off on this host."));
        var session = await PortalSession.SignInAsync(app.WithoutHgs, PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword);

        var html = WebUtility.HtmlDecode(await session.Client.GetStringAsync("/admin/fabric"));

        Assert.Contains($"data-host=\"{healthy.Name}\"", html);
        Assert.Contains($"data-host=\"{failing.Name}\"", html);
        Assert.Contains("data-status=\"Passed\"", html);
        Assert.Contains("Secure Boot is off on this host.", html);
        Assert.Contains(">SecureBoot<", html);
        Assert.Contains("s ago", html);
        Assert.Contains("4 / 32", html);
        Assert.DoesNotContain("Coming soon", html);
    }

    [Fact]
    public async Task FabricPage_Tenant_IsSentToAccessDenied()
    {
        var tenant = await PortalSession.SignUpAsync(app.WithoutHgs);

        var response = await tenant.Client.GetAsync("/admin/fabric");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/access-denied", response.Headers.Location?.ToString());
    }
}
