using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Shielding.DataFiles;
using Portal.Testing;
using Portal.Web.Features.Account;
using Portal.Web.Features.Consoles;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Jobs;
using Portal.Web.Tests.ShieldingData;
using static Portal.Web.Tests.Consoles.ConsoleSockets;

namespace Portal.Web.Tests.Consoles;

/// <summary>
/// A VM's serial console through the portal: the viewer's WebSocket paired with the one its host opens (hosts only connect
/// out), tenant isolation, the Shielded policy, cross-site upgrades, the wrong host, and a host that never comes.
/// </summary>
public sealed class ConsoleApiTests : IAsyncLifetime
{
    private readonly JobsApp _app = new();

    public ConsoleApiTests()
    {
        _app.Fabric.WithoutHgs.Settings["Consoles:AgentWait"] = "00:00:02";
        _app.Fabric.WithoutHgs.Settings["Consoles:NextWaitMax"] = "00:00:01";
    }

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    private async Task<(TenantSetup Tenant, VmDto Vm, TestJobAgent Host)> RunningVmAsync(
        ShieldingPolicy? policy = null, TestJobAgent? host = null, HttpClient? client = null)
    {
        var tenant = await _app.TenantAsync(shieldingTemplate: policy is not null, tenant: client);
        host ??= await _app.AgentAsync();
        VmDto vm;
        if (policy is { } p)
        {
            var data = await JobsApp.UploadShieldingDataAsync(tenant.Client, ShieldingFiles.Pdk(policy: p));
            (vm, _) = await tenant.CreatedVmAsync(shielded: true, shieldingDataId: data.Id);
        }
        else
        {
            (vm, _) = await tenant.CreatedVmAsync();
        }

        await host.RunNextAsync();
        Assert.Equal(Core.VirtualMachines.VmState.Running, (await tenant.VmAsync(vm.Id)).State);
        return (tenant, vm, host);
    }

    private Task<List<string>> AuditAsync(Guid vmId) => _app.Fabric.WithDbAsync(db => db.AuditEntries.AsNoTracking()
        .Where(a => a.Target.Contains(vmId.ToString())).OrderBy(a => a.Id).Select(a => a.Action + " " + a.Target).ToListAsync());

    [Fact]
    public async Task RunningVm_ViewerAndHostExchangeBytesBothWays_OpenedAndClosedAuditedWithDuration()
    {
        var (tenant, vm, host) = await RunningVmAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Client.GetAsync($"/api/v1/vms/{vm.Id}/console")).StatusCode);

        using var viewer = await ViewerAsync(_app.Fabric.App, tenant.Client, vm.Id);
        var (request, hostSocket) = await HostTakesNextAsync(_app.Fabric.App, host);
        using var _ = hostSocket;
        Assert.Equal((vm.Id, vm.Name), (request.VmId, request.VmName));

        await SendAsync(hostSocket, $"{vm.Name} login: ");
        Assert.Contains($"{vm.Name} login: ", await ReadUntilAsync(viewer, "login: "));
        await SendAsync(viewer, "root\r");
        Assert.Equal("root\r", await ReadUntilAsync(hostSocket, "\r"));

        await viewer.CloseAsync(WebSocketCloseStatus.NormalClosure, "Disconnected by the viewer.", default);
        var hostClose = await ReadCloseAsync(hostSocket);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, hostClose.CloseStatus);
        Assert.Equal("Disconnected by the viewer.", hostClose.CloseStatusDescription);

        var audit = await Eventually.ValueAsync(() => AuditAsync(vm.Id), a => a.Any(e => e.StartsWith(ConsoleAccess.ClosedAction)), "console closed audit");
        Assert.Contains(audit, e => e.StartsWith($"{ConsoleAccess.OpenedAction} vm:{vm.Id} ({vm.Name}) session:{request.SessionId}"));
        Assert.Contains(audit, e => e.StartsWith($"{ConsoleAccess.ClosedAction} vm:{vm.Id} ({vm.Name}) session:{request.SessionId} after ")
            && e.EndsWith(" s: Disconnected by the viewer."));
        Assert.Equal(0, _app.Fabric.App.Services.GetRequiredService<ConsoleBroker>().OpenSessions);
    }

    [Fact]
    public async Task HostClosesWithAReason_ViewerGetsThatReason()
    {
        var (tenant, vm, host) = await RunningVmAsync();

        using var viewer = await ViewerAsync(_app.Fabric.App, tenant.Client, vm.Id);
        var (_, hostSocket) = await HostTakesNextAsync(_app.Fabric.App, host);
        using var __ = hostSocket;
        await hostSocket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, $"VM '{vm.Name}' is Off; only a running VM has a serial console.", default);

        var close = await ReadCloseAsync(viewer);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, close.CloseStatus);
        Assert.Equal($"VM '{vm.Name}' is Off; only a running VM has a serial console.", close.CloseStatusDescription);
    }

    [Fact]
    public async Task AnotherTenantsVm_Answers404ExactlyLikeAMissingOne_PlainAndUpgrade()
    {
        var (_, vm, _) = await RunningVmAsync();
        var other = await _app.TenantAsync();

        var theirs = await other.Client.GetAsync($"/api/v1/vms/{vm.Id}/console");
        var missing = await other.Client.GetAsync($"/api/v1/vms/{Guid.NewGuid()}/console");
        var head = await other.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/vms/{vm.Id}/console"));

        var theirsProblem = await theirs.AssertProblemAsync(HttpStatusCode.NotFound);
        var missingProblem = await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(theirsProblem.GetProperty("title").GetString(), missingProblem.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        var upgrade = await Assert.ThrowsAsync<InvalidOperationException>(() => ViewerAsync(_app.Fabric.App, other.Client, vm.Id));
        Assert.Contains("404", upgrade.Message);
        Assert.Equal(0, _app.Fabric.App.Services.GetRequiredService<ConsoleBroker>().OpenSessions);
    }

    [Fact]
    public async Task ShieldedPolicyVm_Refused409WithTheReason_PlainAndUpgrade_AndAudited()
    {
        var (tenant, vm, host) = await RunningVmAsync(ShieldingPolicy.Shielded);

        var plain = await tenant.Client.GetAsync($"/api/v1/vms/{vm.Id}/console");
        var upgrade = await Assert.ThrowsAsync<InvalidOperationException>(() => ViewerAsync(_app.Fabric.App, tenant.Client, vm.Id));

        var problem = await plain.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("policy Shielded", problem.GetProperty("detail").GetString());
        Assert.Contains("409", upgrade.Message);
        var audit = await AuditAsync(vm.Id);
        Assert.Equal(2, audit.Count(e => e.StartsWith($"{ConsoleAccess.RefusedAction} vm:{vm.Id}") && e.Contains("policy Shielded")));
        Assert.DoesNotContain(audit, e => e.StartsWith(ConsoleAccess.OpenedAction));
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.GetAsync($"{Core.Fabric.Protocol.ConsoleRoutes.Next}?waitSeconds=0")).StatusCode);
    }

    [Fact]
    public async Task EncryptionSupportedVm_ConsoleIsAllowed()
    {
        var (tenant, vm, host) = await RunningVmAsync(ShieldingPolicy.EncryptionSupported);
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Client.GetAsync($"/api/v1/vms/{vm.Id}/console")).StatusCode);

        using var viewer = await ViewerAsync(_app.Fabric.App, tenant.Client, vm.Id);
        var (_, hostSocket) = await HostTakesNextAsync(_app.Fabric.App, host);
        using var _ = hostSocket;
        await SendAsync(hostSocket, "guest output");

        Assert.Contains("guest output", await ReadUntilAsync(viewer, "guest output"));
    }

    [Fact]
    public async Task VmNotRunning_Returns409SayingSo_AndAudited()
    {
        var tenant = await _app.TenantAsync();
        var (vm, _) = await tenant.CreatedVmAsync(); // no host took its create job: Provisioning

        var problem = await (await tenant.Client.GetAsync($"/api/v1/vms/{vm.Id}/console")).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("only a running VM has a console", problem.GetProperty("detail").GetString());
        Assert.Contains(await AuditAsync(vm.Id), e => e.StartsWith(ConsoleAccess.RefusedAction));
    }

    [Fact]
    public async Task CookieAuthenticatedUpgrade_FromAnotherOrigin_IsRefused403AndAudited_FromThePortalItselfItWorks()
    {
        var session = await PortalSession.SignUpAsync(_app.Fabric.WithoutHgs);
        var (_, vm, host) = await RunningVmAsync(client: await BearerAsync(session));
        var cookie = session.CookieHeader;

        var evil = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(_app.Fabric.App, $"/api/v1/vms/{vm.Id}/console",
            new Dictionary<string, string> { ["Cookie"] = cookie, ["Origin"] = "http://evil.example" }));
        var noOrigin = await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(_app.Fabric.App, $"/api/v1/vms/{vm.Id}/console",
            new Dictionary<string, string> { ["Cookie"] = cookie }));

        Assert.Contains("403", evil.Message);
        Assert.Contains("403", noOrigin.Message);
        Assert.Equal(2, (await AuditAsync(vm.Id)).Count(e => e.StartsWith(ConsoleAccess.RefusedAction) && e.Contains("Origin mismatch")));
        Assert.Equal(0, _app.Fabric.App.Services.GetRequiredService<ConsoleBroker>().OpenSessions);

        using var viewer = await ConnectAsync(_app.Fabric.App, $"/api/v1/vms/{vm.Id}/console",
            new Dictionary<string, string> { ["Cookie"] = cookie, ["Origin"] = "http://localhost" });
        var (_, hostSocket) = await HostTakesNextAsync(_app.Fabric.App, host);
        using var _ = hostSocket;
        await SendAsync(viewer, "typed");
        Assert.Equal("typed", await ReadUntilAsync(hostSocket, "typed"));
    }

    [Fact]
    public async Task AnotherHost_NeitherHearsOfNorTakesTheSession_TheVmsHostDoes()
    {
        var (tenant, vm, host) = await RunningVmAsync();
        var intruder = await _app.AgentAsync();

        using var viewer = await ViewerAsync(_app.Fabric.App, tenant.Client, vm.Id);
        var request = await NextRequestAsync(host);
        var polled = await intruder.Client.GetAsync($"{Core.Fabric.Protocol.ConsoleRoutes.Next}?waitSeconds=0");
        var taken = await Assert.ThrowsAsync<InvalidOperationException>(() => HostConnectAsync(_app.Fabric.App, intruder, request.SessionId));
        var plain = await intruder.Client.GetAsync(Core.Fabric.Protocol.ConsoleRoutes.Session(request.SessionId));

        Assert.Equal(HttpStatusCode.NoContent, polled.StatusCode);
        Assert.Contains("404", taken.Message);
        await plain.AssertProblemAsync(HttpStatusCode.NotFound);
        using var hostSocket = await HostConnectAsync(_app.Fabric.App, host, request.SessionId);
        await SendAsync(hostSocket, "mine");
        Assert.Equal("mine", await ReadUntilAsync(viewer, "mine"));
        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => HostConnectAsync(_app.Fabric.App, host, request.SessionId));
        Assert.Contains("404", second.Message);
    }

    [Fact]
    public async Task NoHostConnectsWithinTheWait_ViewerIsClosedWithTheReason_AndTheCloseAudited()
    {
        var (tenant, vm, _) = await RunningVmAsync();

        using var viewer = await ViewerAsync(_app.Fabric.App, tenant.Client, vm.Id);
        var close = await ReadCloseAsync(viewer);

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close.CloseStatus);
        Assert.Equal("The VM's host did not connect within 2 s. Try again later.", close.CloseStatusDescription);
        await Eventually.ValueAsync(() => AuditAsync(vm.Id), a => a.Any(e => e.StartsWith(ConsoleAccess.ClosedAction) && e.EndsWith("Try again later.")),
            "console closed audit");
        Assert.Equal(0, _app.Fabric.App.Services.GetRequiredService<ConsoleBroker>().OpenSessions);
    }

    [Fact]
    public async Task ViewerMessageOverTheLimit_ClosesBothEnds()
    {
        var (tenant, vm, host) = await RunningVmAsync();
        using var viewer = await ViewerAsync(_app.Fabric.App, tenant.Client, vm.Id);
        var (_, hostSocket) = await HostTakesNextAsync(_app.Fabric.App, host);
        using var _ = hostSocket;

        await viewer.SendAsync(new byte[Core.Fabric.Protocol.ConsoleLimits.MaxInputMessageBytes + 1], WebSocketMessageType.Binary, true, default);

        var viewerClose = await ReadCloseAsync(viewer);
        var hostClose = await ReadCloseAsync(hostSocket);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, viewerClose.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, hostClose.CloseStatus);
    }

    private async Task<HttpClient> BearerAsync(PortalSession session)
    {
        var response = await _app.Fabric.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(session.Email, session.Password));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<SessionTokenResponse>())!;
        var client = _app.Fabric.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return client;
    }
}
