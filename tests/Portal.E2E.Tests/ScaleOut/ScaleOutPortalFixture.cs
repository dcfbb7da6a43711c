using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Fabric;
using Portal.E2E.Tests.Infrastructure;
using Portal.HostGuardian;
using Portal.Testing;
using Portal.Web.Features.Fabric;
using Portal.Web.Infrastructure.Paging;

namespace Portal.E2E.Tests.ScaleOut;

/// <summary>
/// The production shape on loopback: two portal processes (<c>dotnet Portal.Web.dll</c>, same settings, same database,
/// same key-ring certificate) behind nginx with ip_hash, and two simulated guarded hosts as their own agent processes
/// talking to the proxy; HGS runs in the test's process. Browsers open the proxy. Every process is stopped by its pid.
/// </summary>
public sealed class ScaleOutPortalFixture : PortalFixtureBase
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly string _hgsAdminKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private readonly List<ChildProcess> _agents = [];
    private HgsFactory? _hgs;
    private Uri _hgsUrl = default!;

    public IReadOnlyList<PortalProcess> Portals { get; private set; } = [];

    public ReverseProxy Proxy { get; private set; } = default!;

    public IReadOnlyList<ChildProcess> Agents => _agents;

    /// <summary>The portal process that answered a response through the proxy (the last upstream nginx tried).</summary>
    public PortalProcess ServedBy(string upstreamHeader)
    {
        var upstream = upstreamHeader.Split(',').Last().Trim();
        return Portals.Single(p => p.Url.Authority == upstream);
    }

    public PortalProcess Other(PortalProcess portal) => Portals.Single(p => p != portal);

    /// <summary>Everything the processes said, for failure messages.</summary>
    public string Diagnostics() =>
        string.Join("\n----\n", Portals.Select(p => $"{p.Name}:\n{Tail(p.Process.Output)}")
            .Concat(_agents.Select(a => $"{a.Name}:\n{Tail(a.Output)}"))
            .Append($"nginx errors:\n{Tail(Proxy?.ErrorLog ?? "")}"));

    /// <summary>A public plan offering a regular (unshielded) VM: a size and a template whose disk is in the library.</summary>
    public async Task<(string PlanName, string TemplateName, string SizeName)> PublishOfferAsync(string name)
    {
        using var api = await AdminApiAsync();
        var size = await PostAsync(api, "/api/admin/v1/hardware-profiles", new
        {
            name = $"{name} size", vcpus = 1, memoryGiB = 1, diskGiB = 10, description = "1 vCPU, 1 GiB, 10 GiB",
        });
        var template = await PostAsync(api, "/api/admin/v1/templates", new
        {
            name = $"{name} template", osFamily = "Linux", osVersion = "Test 1.0", generation = 2,
            diskFileName = "test.disk", diskSizeGiB = 1, defaultHardwareProfileId = size, description = "Scale-out template",
        });
        using (var disk = new ByteArrayContent(RandomNumberGenerator.GetBytes(200_000)))
        {
            disk.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            var uploaded = await api.PutAsync($"/api/admin/v1/templates/{template}/disk", disk);
            Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        }

        var plan = await PostAsync(api, "/api/admin/v1/plans", new
        {
            name = $"{name} plan", description = "Scale-out plan",
            quota = new { maxVms = 4, maxVcpus = 8, maxMemoryGiB = 16, maxStorageGiB = 100 },
            allowShieldedVms = false, templateIds = new[] { template }, hardwareProfileIds = new[] { size },
        });
        var publish = await api.PostAsync($"/api/admin/v1/plans/{plan}/publish", null);
        Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());
        return ($"{name} plan", $"{name} template", $"{name} size");
    }

    protected override Task PrepareAsync()
    {
        _hgs = new HgsFactory(new Dictionary<string, string>
        {
            ["Hgs:DataFolder"] = Path.Combine(DataFolder, "hgs"),
            ["Hgs:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Hgs:AdminApiKey"] = _hgsAdminKey,
            ["Hgs:SeedSimulatedPolicy"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _hgs.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _hgs.StartServer();
        _hgsUrl = new Uri(_hgs.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return Task.CompletedTask;
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Fabric:HgsUrl", _hgsUrl.ToString()),
        new("Fabric:SimulatedHosts:Count", "0"),
        new("Library:Folder", Path.Combine(DataFolder, "library")),
        new("DataProtection:CertificateFile", Path.Combine(DataFolder, "data-protection.pfx")),
        new("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information"),
    ];

    protected override async Task<Uri> StartPortalAsync(IReadOnlyDictionary<string, string> settings)
    {
        try
        {
            // The first process migrates the database and makes the key-ring certificate; the second takes both as they are.
            var first = await PortalProcess.StartAsync("portal-1", settings, DataFolder, first: true, Deadline);
            Portals = [first];
            Portals = [first, await PortalProcess.StartAsync("portal-2", settings, DataFolder, first: false, Deadline)];
            Proxy = await ReverseProxy.StartAsync(Path.Combine(DataFolder, "nginx"), Portals.Select(p => p.Url), Deadline);
            await StartHostsAsync();
            return Proxy.Address;
        }
        catch (Exception e)
        {
            // xunit does not dispose a fixture whose start failed: stop what started, then say why.
            var diagnostics = Diagnostics();
            await StopPortalAsync();
            throw new InvalidOperationException($"The scale-out fabric did not start: {e.Message}\n{diagnostics}", e);
        }
    }

    protected override async Task StopPortalAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        foreach (var portal in Portals)
        {
            await portal.Process.DisposeAsync();
        }

        if (_hgs is not null)
        {
            await _hgs.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Two hosts registered with HGS, each an agent process joined with a fresh token, talking to the proxy.</summary>
    private async Task StartHostsAsync()
    {
        using var admin = await AdminApiAsync(Proxy.Address);
        string[] names = ["host-1", "host-2"];
        foreach (var name in names)
        {
            var folder = Path.Combine(DataFolder, "hosts", name);
            await HgsRegistration.RegisterSoftwareTpmAsync(name, folder, _hgsUrl, _hgsAdminKey);
            var issued = await (await admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1)))
                .Content.ReadFromJsonAsync<IssuedJoinToken>(Json);
            _agents.Add(ChildProcess.StartBuilt(name, "Portal.HostAgent.dll",
            [
                $"--HostAgent:PortalUrl={Proxy.Address}",
                $"--HostAgent:HgsUrl={_hgsUrl}",
                $"--HostAgent:HostName={name}",
                $"--HostAgent:DataFolder={folder}",
                $"--HostAgent:JoinToken={issued!.Token}",
                "--HostAgent:HeartbeatInterval=00:00:01",
                "--HostAgent:RetryInterval=00:00:00.500",
                "--HostAgent:ClaimWait=00:00:05",
                "--HostAgent:Capacity:Vcpus=16",
                "--HostAgent:Capacity:MemoryGiB=64",
                "--HostAgent:Capacity:StorageGiB=1000",
                // Slow enough that a tenant sees steps go by, and that a job is still under way when a portal dies.
                "--HostAgent:Hypervisor:CreateDelay=00:00:02",
                "--HostAgent:Hypervisor:StartDelay=00:00:04",
            ]));
        }

        await Eventually.Async(async () =>
        {
            var hosts = (await admin.GetFromJsonAsync<Page<FabricHostDto>>("/api/admin/v1/fabric/hosts", Json))!.Items;
            return names.All(n => hosts.Any(h => h.Name == n && h.State == HostState.Active && h.LastHeartbeatAt is not null));
        }, Deadline, "both hosts to join and beat");
    }

    private static async Task<Guid> PostAsync(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
    }

    private static string Tail(string text) => text[^Math.Min(text.Length, 3000)..];

    private sealed record IdOnly(Guid Id);

    private sealed class HgsFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<GuardianProgram>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
