using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Data.Cluster;
using Portal.Testing;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.Consoles;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// Two portal processes on one database behave as one portal: agents talk to either, every job is claimed once, a
/// tenant's live view on one hears steps reported through the other, credentials work (and stop working) on both,
/// and the fabric controller runs in exactly one of them.
/// </summary>
public sealed class ScaleOutTests(ScaleOutFixture fabric) : IClassFixture<ScaleOutFixture>
{
    // The portal's FabricController.LockName (the class is internal to the portal).
    private const string FabricControllerLock = "fabric-controller";

    // pg_locks shows the whole server: other tests' portals on other databases hold locks with the same key.
    private const string ThisDatabasesAdvisoryLock =
        "locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) " +
        "AND ((classid::bigint << 32) | objid::bigint) = $1";

    [Fact]
    public async Task JobsRunByTheHostOnPortalB_AreClaimedOnce_AndPortalAsLiveViewHearsEveryStep()
    {
        var tenantId = await fabric.WithDbAsync(db => db.Subscriptions.Where(s => s.Id == fabric.SubscriptionId).Select(s => s.TenantId).SingleAsync());
        var heard = new ConcurrentQueue<PortalChange>();
        var feed = fabric.Portal.Services.GetRequiredService<IChangeFeed>();
        using var live = feed.Subscribe(ChangeAudience.Tenant(tenantId), change =>
        {
            heard.Enqueue(change);
            return Task.CompletedTask;
        });

        // host-a is full, so every VM goes to host-b, whose agent reports through portal B only.
        var jobs = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            jobs.Add((await fabric.CreateVmAsync($"scale-{i}-{Guid.NewGuid():N}"[..20], shielded: false)).JobId);
        }

        foreach (var jobId in jobs)
        {
            var job = await fabric.SucceededAsync(jobId);
            Assert.Equal(1, job.Attempt);
        }

        var hosts = await fabric.WithDbAsync(db => db.Jobs.Where(j => jobs.Contains(j.Id)).Select(j => j.HostId).Distinct().ToListAsync());
        Assert.Equal([fabric.HostB.HostId], hosts.Cast<Guid>());

        // host-b's agent reported every step to portal B: portal A's tenant feed heard them through the database.
        foreach (var jobId in jobs)
        {
            await Eventually.Async(() => Task.FromResult(heard.Count(c => c.Kind == ChangeKind.Job && c.Id == jobId) >= 3),
                FabricFixture.Deadline, $"portal A's tenant feed to hear job {jobId}'s steps");
        }

        // Each claim takes the next fencing number: one claim each, through whichever portal.
        var fencing = await fabric.WithDbAsync(db => db.Jobs.Where(j => jobs.Contains(j.Id)).Select(j => j.FencingToken).ToListAsync());
        Assert.All(fencing, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task TokenRevokedThroughPortalA_IsRefusedByPortalB_AtOnce()
    {
        // Several times: a revocation that only usually reaches B before B's next request would show here.
        for (var round = 0; round < 10; round++)
        {
            using var created = await fabric.Tenant.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest($"scale-out-{round}", 1));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var issued = (await created.Content.ReadFromJsonAsync<IssuedApiToken>(FabricFixture.Json))!;
            using var b = new HttpClient { BaseAddress = fabric.PortalBUrl };
            b.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Secret);

            // Twice: the second answer comes from portal B's cache of authenticated tokens.
            Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/api/v1/tokens")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/api/v1/tokens")).StatusCode);

            using var revoked = await fabric.Tenant.DeleteAsync($"/api/v1/tokens/{issued.Token.Id}");
            Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());

            using var after = await b.GetAsync("/api/v1/tokens");
            Assert.True(HttpStatusCode.Unauthorized == after.StatusCode, $"round {round}: portal B answered {after.StatusCode} after the revocation");
        }
    }

    [Fact]
    public async Task TokenRevokedThroughPortalA_WhilePortalBsListenerIsStalled_IsStillRefusedByPortalB()
    {
        using var created = await fabric.Tenant.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest("scale-out-stalled", 1));
        var issued = (await created.Content.ReadFromJsonAsync<IssuedApiToken>(FabricFixture.Json))!;
        using var b = new HttpClient { BaseAddress = fabric.PortalBUrl };
        b.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Secret);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/api/v1/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/api/v1/tokens")).StatusCode);

        // B's listening session in PostgreSQL answers nothing, so B cannot hear the revocation nor confirm it.
        using (PausedProcess.Pause(await PortalBListenerBackendAsync()))
        {
            using var revoked = await fabric.Tenant.DeleteAsync($"/api/v1/tokens/{issued.Token.Id}");
            Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());

            using var after = await b.GetAsync("/api/v1/tokens");
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
    }

    [Fact]
    public async Task HostRemovedThroughPortalA_IsRefusedByPortalB_AtOnce()
    {
        // A host of its own, without an agent: the test beats for it, so nothing else talks to portal B as this host.
        using var b = new HttpClient { BaseAddress = fabric.PortalBUrl };
        using var joined = await b.PostAsJsonAsync(FabricRoutes.Join, new JoinRequest(
            await fabric.JoinTokenAsync(), $"removed-{Guid.NewGuid():N}"[..16], new HostResources(4, 8, 100), "test", null), FabricFixture.Json);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        var host = (await joined.Content.ReadFromJsonAsync<JoinResponse>(FabricFixture.Json))!;
        b.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Credential);
        Task<HttpResponseMessage> BeatAsync() => b.PostAsJsonAsync(FabricRoutes.Heartbeat, new HeartbeatRequest(
            host.HostId, new HostResources(4, 8, 100), HostResources.Zero, [], null, "test"), FabricFixture.Json);

        // Twice: the second is authenticated from portal B's cache of credentials.
        Assert.Equal(HttpStatusCode.OK, (await BeatAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await BeatAsync()).StatusCode);

        await fabric.RemoveHostAsync(host.HostId);

        using var after = await BeatAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task ConsoleOpenedOnPortalA_OfAVmWhoseHostTalksToPortalB_IsRelayedBetweenTheProcesses_BothWays()
    {
        var (vm, jobId) = await fabric.CreateVmAsync($"console-{Guid.NewGuid():N}"[..20], shielded: false);
        Assert.Equal(JobState.Succeeded, (await fabric.SucceededAsync(jobId)).State);
        var vmId = vm.Id;

        // host-b's agent long-polls and connects only to portal B; the viewer is on portal A.
        using var viewer = new ClientWebSocket();
        viewer.Options.SetRequestHeader("Authorization", fabric.Tenant.DefaultRequestHeaders.Authorization!.ToString());
        var consoleUri = new UriBuilder(new Uri(fabric.PortalUrl, $"/api/v1/vms/{vmId}/console")) { Scheme = "ws" }.Uri;
        using var deadline = new CancellationTokenSource(FabricFixture.Deadline);
        await viewer.ConnectAsync(consoleUri, deadline.Token);

        Assert.Contains($"{vm.Name} login: ", await ReadUntilAsync(viewer, "login: ", deadline.Token));
        var typed = string.Concat(Enumerable.Repeat("0123456789", 500));
        await viewer.SendAsync(Encoding.UTF8.GetBytes(typed[..4000]), WebSocketMessageType.Binary, true, deadline.Token);
        await viewer.SendAsync(Encoding.UTF8.GetBytes(typed[4000..] + "\r"), WebSocketMessageType.Binary, true, deadline.Token);
        var echoed = await ReadUntilAsync(viewer, "Login incorrect", deadline.Token);
        Assert.Contains(typed, echoed);

        await viewer.CloseAsync(WebSocketCloseStatus.NormalClosure, "Done.", deadline.Token);

        // Audited once, by the viewer's process; the host's process only relays.
        var audit = await Eventually.ValueAsync(
            () => fabric.WithDbAsync(db => db.AuditEntries.Where(a => a.Target.Contains(vmId.ToString()) && a.Action.StartsWith("vm.console"))
                .OrderBy(a => a.Id).Select(a => a.Action).ToListAsync()),
            actions => actions.Contains(ConsoleAccess.ClosedAction),
            "the console's close to be audited");
        Assert.Equal([ConsoleAccess.OpenedAction, ConsoleAccess.ClosedAction], audit);
    }

    private static async Task<string> ReadUntilAsync(WebSocket socket, string expected, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new byte[16 * 1024];
        while (!text.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var received = await socket.ReceiveAsync(buffer, ct);
            Assert.True(received.MessageType != WebSocketMessageType.Close, $"The console closed: {received.CloseStatusDescription}; read so far: {text}");
            text.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        return text.ToString();
    }

    [Fact]
    public async Task SignInCookieFromPortalA_WorksOnPortalB()
    {
        var cookies = new CookieContainer();
        using var a = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = fabric.PortalUrl };
        var page = await a.GetStringAsync("/account/sign-in");
        var token = AntiforgeryForm.TokenIn(page);
        using var signIn = await a.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = FabricFixture.TenantEmail,
            ["Input.Password"] = FabricFixture.TenantPassword,
            [AntiforgeryForm.FieldName] = token,
            ["_handler"] = "sign-in",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        using var b = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fabric.PortalBUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/subscriptions");
        request.Headers.Add("Cookie", cookies.GetCookieHeader(fabric.PortalUrl));
        using var response = await b.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var anonymous = await b.GetAsync("/api/v1/subscriptions");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task FabricController_RunsInExactlyOnePortal_AndTheOtherTakesOverWhenItsLockIsLost()
    {
        var key = PostgresClusterLocks.KeyOf(FabricControllerLock);
        Assert.Equal(1, await HoldersAsync(key));

        // Portal A started first and leads; cut its lock's session, as a lost connection would.
        var locks = fabric.Portal.Services.GetRequiredService<IClusterLocks>();
        Assert.True(locks.IsLeader(FabricControllerLock));
        await using (var admin = new NpgsqlConnection(fabric.Database.ConnectionString))
        {
            await admin.OpenAsync();
            await using var cut = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE " + ThisDatabasesAdvisoryLock, admin);
            cut.Parameters.Add(new NpgsqlParameter { Value = key });
            await cut.ExecuteNonQueryAsync();
        }

        await Eventually.Async(async () => await HoldersAsync(key) == 1, FabricFixture.Deadline, "a portal to lead the fabric controller again");

        // Whoever leads now, jobs are still placed and run.
        var (_, jobId) = await fabric.CreateVmAsync($"after-{Guid.NewGuid():N}"[..20], shielded: false);
        Assert.Equal(JobState.Succeeded, (await fabric.SucceededAsync(jobId)).State);
    }

    private async Task<long> HoldersAsync(long key)
    {
        await using var connection = new NpgsqlConnection(fabric.Database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE " + ThisDatabasesAdvisoryLock, connection);
        count.Parameters.Add(new NpgsqlParameter { Value = key });
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task<int> PortalBListenerBackendAsync()
    {
        var portalA = fabric.Portal.Services.GetRequiredService<IClusterBus>().ProcessId;
        await using var connection = new NpgsqlConnection(fabric.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND starts_with(application_name, $1) AND application_name <> $2",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = PostgresClusterBus.ListenerNamePrefix });
        command.Parameters.Add(new NpgsqlParameter { Value = PostgresClusterBus.ListenerName(portalA) });
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
