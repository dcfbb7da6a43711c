using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Quotas;
using Portal.Web.Features.Account;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Infrastructure.OpenApi;
using Portal.Web.Tests.Consoles;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Jobs;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Security;

/// <summary>
/// One portal with a caller of each kind, real credentials made through the app's own flows, and real resources for every
/// route parameter. Tenant A owns a running VM (its create job done by the host), a shielding data file, a subscription
/// with an add-on to take, a spare API token and a console session waiting for the host; tenant B owns nothing of A's.
/// The provider's rows change a separate offer, tenant C and a spare host, so that they cannot take away what the tenant
/// rows probe.
/// </summary>
public sealed class AuthorizationMatrixApp : IAsyncLifetime
{
    private readonly JobsApp _jobs = new();
    private readonly Dictionary<Caller, HttpClient> _clients = [];
    private readonly Dictionary<string, string> _routeValues = [];
    private WebSocket? _viewer;

    public AuthorizationMatrixApp()
    {
        // The console session opened at the start waits for its host through the whole matrix.
        _jobs.Fabric.WithoutHgs.Settings["Consoles:AgentWait"] = "00:05:00";
    }

    public WebApplicationFactory<Program> App => _jobs.Fabric.App;

    public TenantSetup TenantA { get; private set; } = default!;

    public TestJobAgent Host { get; private set; } = default!;

    /// <summary>Tenant B's sign-in: the body of the (anonymous) token exchange.</summary>
    public PortalSession TenantBSession { get; private set; } = default!;

    /// <summary>Tenant A's public plan, which the provider's rows leave alone.</summary>
    public Guid PlanForTenants { get; private set; }

    public Guid AddOnForTenantA { get; private set; }

    public Guid ProviderPlan { get; private set; }

    public Guid ProviderAddOn { get; private set; }

    public Guid TenantC { get; private set; }

    public HttpClient Client(Caller caller) => _clients[caller];

    /// <summary>What the host's beats report: attestation passed, with a valid health certificate.</summary>
    public AttestationReport HostAttestation() => Host.Agent.Passed(_jobs.Fabric.Certificate(Host.Agent));

    public async Task InitializeAsync()
    {
        await _jobs.InitializeAsync();
        var admin = _jobs.Admin;
        Host = await _jobs.AgentAsync();
        var spareHost = await TestAgent.JoinedAsync(_jobs.Fabric, admin);
        var joinToken = await OffersApi.CreatedAsync<IssuedJoinToken>(
            await admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1)));

        TenantA = await _jobs.TenantAsync(shieldingTemplate: true);
        PlanForTenants = (await TenantA.Client.GetAsync<SubscriptionDto>($"/api/v1/subscriptions/{TenantA.SubscriptionId}")).PlanId;
        AddOnForTenantA = (await _jobs.Offers.CreateAddOnAsync(PlanForTenants, new ResourceAmount(1, 1, 1, 1))).Id;
        var shieldingData = await JobsApp.UploadShieldingDataAsync(TenantA.Client);
        var spareToken = await OffersApi.CreatedAsync<IssuedApiToken>(
            await TenantA.Client.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("matrix", 1)));
        var (vm, createJob) = await TenantA.CreatedVmAsync();
        await Host.RunNextAsync();
        var template = await admin.GetAsync<Web.Features.Gallery.TemplateDto>($"/api/admin/v1/templates/{TenantA.TemplateId}");

        TenantBSession = await PortalSession.SignUpAsync(_jobs.Fabric.WithoutHgs);
        var tenantB = await BearerAsync(TenantBSession);

        var size = await _jobs.Offers.CreateSizeAsync();
        var providerTemplate = await _jobs.Offers.CreateTemplateAsync(size.Id);
        ProviderPlan = (await _jobs.Offers.CreatePlanAsync(templateId: providerTemplate.Id, sizeId: size.Id)).Id;
        ProviderAddOn = (await _jobs.Offers.CreateAddOnAsync(ProviderPlan, new ResourceAmount(1, 1, 1, 1))).Id;
        var tenantC = await PortalSession.SignUpAsync(_jobs.Fabric.WithoutHgs);
        var userC = await _jobs.Fabric.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == tenantC.Email));
        TenantC = userC.TenantId!.Value;
        var subscriptionC = await OffersApi.CreatedAsync<SubscriptionDto>(await admin.PostAsJsonAsync(
            "/api/admin/v1/subscriptions", new AdminSubscribeRequest(TenantC, ProviderPlan, "Matrix")));

        _viewer = await ConsoleSockets.ViewerAsync(App, TenantA.Client, vm.Id);
        var console = await ConsoleSockets.NextRequestAsync(Host);

        _clients[Caller.Anonymous] = _jobs.Fabric.Anonymous();
        _clients[Caller.TenantA] = TenantA.Client;
        _clients[Caller.TenantB] = tenantB;
        _clients[Caller.ProviderAdmin] = admin;
        _clients[Caller.HostAgent] = Host.Client;

        Set(vm.Id, "/api/v1/vms/{id}");
        Set(createJob, "/api/v1/jobs/{id}", "/api/admin/v1/jobs/{id}", "/api/fabric/v1/jobs/{id}");
        Set(shieldingData.Id, "/api/v1/shielding-data/{id}");
        Set(TenantA.SubscriptionId, "/api/v1/subscriptions/{id}");
        Set(spareToken.Token.Id, "/api/v1/tokens/{id}");
        Set(TenantA.TemplateId, "/api/v1/templates/{id}");
        Set(providerTemplate.Id, "/api/admin/v1/templates/{id}");
        Set(ProviderPlan, "/api/admin/v1/plans/{id}");
        Set(ProviderAddOn, "/api/admin/v1/addons/{id}");
        Set(size.Id, "/api/admin/v1/hardware-profiles/{id}");
        Set(TenantC, "/api/admin/v1/tenants/{id}");
        Set(userC.Id, "/api/admin/v1/tenants/{id}/users/{userId}");
        Set(subscriptionC.Id, "/api/admin/v1/subscriptions/{id}");
        Set(spareHost.HostId, "/api/admin/v1/fabric/hosts/{id}");
        Set(joinToken.Id, "/api/admin/v1/fabric/join-tokens/{id}");
        Set(console.SessionId, "/api/fabric/v1/consoles/{sessionId}");
        _routeValues["/api/fabric/v1/template-disks/{sha384}"] = template.DiskSha384!;
        _routeValues["/openapi/{documentName}"] = ApiDocuments.Tenant.Name;
        _routeValues["/api/reference/{documentName?}"] = ApiDocuments.Tenant.Name;
    }

    public async Task DisposeAsync()
    {
        _viewer?.Abort();
        _viewer?.Dispose();
        await _jobs.DisposeAsync();
    }

    public Task<string> NewJoinTokenAsync() => _jobs.Fabric.JoinTokenAsync(_jobs.Admin);

    /// <summary>
    /// The value for a route parameter, by the pattern up to and including it (<c>/api/v1/vms/{id}</c>), so each kind of
    /// resource is filled with its own real id. A pattern with a parameter not listed here fails the test, naming it.
    /// </summary>
    public string RouteValue(string patternThroughParameter) =>
        _routeValues.TryGetValue(patternThroughParameter, out var value)
            ? value
            : throw new Xunit.Sdk.XunitException(
                $"No resource for {patternThroughParameter}: give it a real id in {nameof(AuthorizationMatrixApp)}.");

    private async Task<HttpClient> BearerAsync(PortalSession session)
    {
        var response = await _jobs.Fabric.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(session.Email, session.Password));
        Assert.True(response.IsSuccessStatusCode, $"Token for {session.Email}: {(int)response.StatusCode}");
        var token = await response.ReadAsync<SessionTokenResponse>();
        var client = _jobs.Fabric.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return client;
    }

    private void Set(Guid id, params string[] patterns)
    {
        foreach (var pattern in patterns)
        {
            _routeValues[pattern] = id.ToString();
        }
    }
}
