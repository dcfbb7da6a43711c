using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Testing;
using Portal.Web.Features.Account;
using Portal.Web.Features.Fabric;
using Portal.Web.Infrastructure.Paging;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// The whole fabric on loopback: HGS as its own process, the portal on Kestrel, and real host agent processes that
/// join with one-time tokens, attest to HGS and beat to the portal. Waits by polling with a deadline, never a fixed sleep.
/// </summary>
public sealed class FabricIntegrationTests : IAsyncLifetime
{
    private const string AdminEmail = "admin@fabric.test";
    private const string AdminPassword = "Fabric-Admin-Passw0rd-1";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"fabric-it-{Guid.NewGuid():N}");
    private readonly string _hgsAdminKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private readonly PostgresTestDatabase _database = PostgresTestDatabase.New("fabric_it");
    private readonly List<ChildProcess> _processes = [];
    private ChildProcess _hgs = default!;
    private PortalServer _portal = default!;
    private Uri _hgsUrl = default!;
    private Uri _portalUrl = default!;
    private HttpClient _admin = default!;

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // xunit does not dispose a test class whose start failed: stop the processes it started before saying why.
            try
            {
                await DisposeAsync();
            }
            catch (Exception)
            {
                // The start's failure is the one to report.
            }

            throw;
        }
    }

    private async Task StartAsync()
    {
        Directory.CreateDirectory(_root);
        _hgs = ChildProcess.StartBuilt("HGS", "Portal.HostGuardian.dll", ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Hgs__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Hgs__DataFolder"] = Path.Combine(_root, "hgs"),
            ["Hgs__AdminApiKey"] = _hgsAdminKey,
            ["Hgs__SeedSimulatedPolicy"] = "true",
            ["Hgs__CertificateLifetime"] = "00:10:00",
        });
        _processes.Add(_hgs);
        _hgsUrl = await _hgs.ListeningAsync(Deadline);

        _portal = new PortalServer(new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = _database.ConnectionString,
            ["Database:MigrateOnStart"] = "true",
            ["Portal:Bootstrap:AdminEmail"] = AdminEmail,
            ["Portal:Bootstrap:AdminPassword"] = AdminPassword,
            ["Portal:DataFolder"] = Path.Combine(_root, "portal"),
            ["DataProtection:GenerateCertificate"] = "true",
            ["Fabric:HgsUrl"] = _hgsUrl.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _portalUrl = _portal.Start();

        _admin = new HttpClient { BaseAddress = _portalUrl };
        var token = await (await _admin.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(AdminEmail, AdminPassword)))
            .Content.ReadFromJsonAsync<SessionTokenResponse>();
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        _admin?.Dispose();
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }

        await _database.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task TwoChildProcesses_JoinAttestAndBeat_UntilBothAreActiveAndPassed()
    {
        var first = await StartAgentAsync("agent-1");
        var second = await StartAgentAsync("agent-2");

        var hosts = await WaitForAsync(list =>
            list.Count(h => h.State == HostState.Active && h.LastHeartbeatAt is not null
                && h.Attestation.Status == AttestationStatus.Passed) == 2);

        Assert.All(hosts, h => Assert.True(h.HealthyForShieldedVms, h.Attestation.Reason));
        Assert.Equal(["agent-1", "agent-2"], hosts.Select(h => h.Name).Order());
        Assert.All(hosts, h => Assert.Equal(new HostResources(12, 48, 600), h.Capacity));
        foreach (var agent in new[] { first, second })
        {
            var credential = Path.Combine(agent.Folder, "fabric", "host.json");
            Assert.True(File.Exists(credential));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credential));
            }

            Assert.DoesNotContain("tphc_", agent.Process.Output);
            Assert.DoesNotContain("tpjt_", agent.Process.Output);
        }
    }

    [Fact]
    public async Task Agent_MisconfiguredOrReusingAToken_IsShownWithTheReason_OrStops()
    {
        var token = await JoinTokenAsync();
        var insecure = await StartAgentAsync("agent-insecure", token, "--HostAgent:Simulate:SecureBootOff=true");

        var hosts = await WaitForAsync(list => list.Any(h => h.Name == "agent-insecure"
            && h.State == HostState.Active && h.Attestation.Status == AttestationStatus.InsecureHostConfiguration));
        var failed = hosts.Single(h => h.Name == "agent-insecure");
        Assert.True(failed.Attestation.SubStatus.HasFlag(AttestationSubStatus.SecureBoot), failed.Attestation.Reason);
        Assert.False(failed.HealthyForShieldedVms);

        var reusing = await StartAgentAsync("agent-reusing", token);
        Assert.True(await reusing.Process.WaitForExitAsync(Deadline), reusing.Process.Output);
        Assert.NotEqual(0, reusing.Process.ExitCode);
        Assert.Contains("already been used", reusing.Process.Output);
        _ = insecure;
    }

    [Fact]
    public async Task RemovedHost_AgentStopsAtItsNextBeat()
    {
        var agent = await StartAgentAsync("agent-removed");
        var host = (await WaitForAsync(list => list.Any(h => h.Name == "agent-removed" && h.State == HostState.Active)))
            .Single(h => h.Name == "agent-removed");

        (await _admin.DeleteAsync($"/api/admin/v1/fabric/hosts/{host.Id}")).EnsureSuccessStatusCode();

        Assert.True(await agent.Process.WaitForExitAsync(Deadline), agent.Process.Output);
        Assert.Contains("no longer accepts this host's credential", agent.Process.Output);
    }

    private async Task<string> JoinTokenAsync()
    {
        var response = await _admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedJoinToken>(Json))!.Token;
    }

    /// <summary>
    /// Makes the agent's software TPM keys in its data folder and registers its endorsement key with HGS (the HGS
    /// admin's job), then starts the agent process, which finds and uses the same keys.
    /// </summary>
    private async Task<(ChildProcess Process, string Folder)> StartAgentAsync(string name, string? token = null, params string[] extra)
    {
        var folder = Path.Combine(_root, name);
        await HgsRegistration.RegisterSoftwareTpmAsync(name, folder, _hgsUrl, _hgsAdminKey);

        var process = ChildProcess.StartBuilt(name, "Portal.HostAgent.dll",
        [
            $"--HostAgent:PortalUrl={_portalUrl}",
            $"--HostAgent:HgsUrl={_hgsUrl}",
            $"--HostAgent:HostName={name}",
            $"--HostAgent:DataFolder={folder}",
            $"--HostAgent:JoinToken={token ?? await JoinTokenAsync()}",
            "--HostAgent:HeartbeatInterval=00:00:00.500",
            "--HostAgent:RetryInterval=00:00:00.500",
            "--HostAgent:AttestationRetryInterval=00:00:01",
            "--HostAgent:Capacity:Vcpus=12",
            "--HostAgent:Capacity:MemoryGiB=48",
            "--HostAgent:Capacity:StorageGiB=600",
            .. extra,
        ]);
        _processes.Add(process);
        return (process, folder);
    }

    private async Task<IReadOnlyList<FabricHostDto>> WaitForAsync(Func<IReadOnlyList<FabricHostDto>, bool> condition)
    {
        var until = DateTime.UtcNow + Deadline;
        IReadOnlyList<FabricHostDto> hosts = [];
        while (DateTime.UtcNow < until)
        {
            hosts = (await _admin.GetFromJsonAsync<Page<FabricHostDto>>("/api/admin/v1/fabric/hosts", Json))!.Items;
            if (condition(hosts))
            {
                return hosts;
            }

            await Task.Delay(200);
        }

        var seen = string.Join("\n", hosts.Select(h => $"{h.Name}: {h.State}, beat {h.LastHeartbeatAt}, {h.Attestation.Status} {h.Attestation.Reason}"));
        var output = string.Join("\n----\n", _processes.Select(p => p.Output));
        throw new TimeoutException($"The fabric did not reach the expected state.\nHosts:\n{seen}\nProcesses:\n{output}");
    }
}
