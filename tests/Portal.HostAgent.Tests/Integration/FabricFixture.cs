using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Auditing;
using Portal.Core.Fabric;
using Portal.Core.Gallery;
using Portal.Core.Jobs;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.Qualifiers;
using Portal.Data;
using Portal.Testing;
using Portal.Web.Features.Account;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Plans;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Infrastructure.Paging;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// One fabric on loopback for the fault tests: HGS as its own process, the portal on Kestrel over a fresh PostgreSQL
/// database, two real agent processes (host-a, host-b), a provider's offer with a shielding-capable template whose disk
/// is in the library, and a tenant with a subscription and shielding data whose password and answer file hold
/// <see cref="Marker"/>. Every process it starts is stopped by its own handle; every wait polls with a deadline.
/// </summary>
public class FabricFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@faults.test";
    public const string TenantEmail = "tenant@faults.test";
    private const string AdminPassword = "Faults-Admin-Passw0rd-1";
    public const string TenantPassword = "Faults-Tenant-Passw0rd-1";

    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(6);

    // Well under the lease: a killed host is out of placement before its lease ends, so its job cannot be placed back on it.
    public static readonly TimeSpan HeartbeatStaleAfter = TimeSpan.FromSeconds(2.5);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly string _hgsAdminKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private readonly string _hgsMasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<ChildProcess> _processes = [];
    private readonly Lock _lock = new();

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"fabric-{Guid.NewGuid():N}");

    /// <summary>Random; the tenant's administrator password and answer file contain it, and nothing the provider holds may.</summary>
    public string Marker { get; } = $"Mk{Convert.ToHexString(RandomNumberGenerator.GetBytes(12))}";

    public FabricFixture()
        : this(null)
    {
    }

    /// <param name="databaseServer">The PostgreSQL server of the fabric's database; null for the tests' shared one.</param>
    protected FabricFixture(string? databaseServer) => Database = PostgresTestDatabase.New("fabric_faults", databaseServer);

    public PostgresTestDatabase Database { get; }

    public CapturedLogs PortalLogs { get; } = new();

    public RecordingHandler Responses { get; } = new();

    public ChildProcess Hgs { get; private set; } = default!;

    public string HgsFolder => Path.Combine(Root, "hgs");

    public Uri HgsUrl { get; private set; } = default!;

    public PortalServer Portal { get; private set; } = default!;

    public Uri PortalUrl { get; private set; } = default!;

    public HttpClient Admin { get; private set; } = default!;

    public HttpClient Tenant { get; private set; } = default!;

    public Guid SubscriptionId { get; private set; }

    public Guid TemplateId { get; private set; }

    public Guid SizeId { get; private set; }

    public Guid ShieldingDataId { get; private set; }

    public Agent HostA { get; protected set; } = default!;

    public Agent HostB { get; protected set; } = default!;

    public IReadOnlyList<ChildProcess> Processes
    {
        get
        {
            lock (_lock)
            {
                return [.. _processes];
            }
        }
    }

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: stop the processes it started before saying why.
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
        Directory.CreateDirectory(Root);
        HgsUrl = await StartHgsAsync(0);

        Portal = new PortalServer(PortalSettings(), PortalLogs);
        PortalUrl = Portal.Start();

        Admin = await SignedInClientAsync(AdminEmail, AdminPassword);
        await SetUpOfferAsync();
        await SetUpTenantAsync();

        await StartMorePortalsAsync();
        await StartHostsAsync();
    }

    /// <summary>Other portal processes on the same database, started before the hosts.</summary>
    protected virtual Task StartMorePortalsAsync() => Task.CompletedTask;

    /// <summary>Starts a tracked process of a built project of the solution (an agent, HGS, another portal).</summary>
    protected ChildProcess StartTracked(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = ChildProcess.StartBuilt(name, dll, arguments, environment);
        Track(process);
        return process;
    }

    /// <summary>Two simulated hosts, host-a and host-b, both healthy for shielded VMs.</summary>
    protected virtual async Task StartHostsAsync()
    {
        HostA = await StartAgentAsync("host-a", HostCapacity);
        HostB = await StartAgentAsync("host-b", HostCapacity);
        await WaitForHostsAsync(hosts => hosts.Count(h => h.Name is "host-a" or "host-b" && h.HealthyForShieldedVms) == 2);
    }

    /// <summary>What host-a and host-b each offer: 8 VMs of the fixture's size.</summary>
    protected virtual HostResources HostCapacity => new(16, 64, 1000);

    /// <summary>The template's disk as the provider uploads it, and its file name: random bytes, which the simulated hosts accept.</summary>
    protected virtual (byte[] Disk, string FileName) TemplateDisk() => (RandomNumberGenerator.GetBytes(200_000), "ws2025.vhdx");

    public virtual async Task DisposeAsync()
    {
        foreach (var process in Processes)
        {
            await process.DisposeAsync();
        }

        Admin?.Dispose();
        Tenant?.Dispose();
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }

        await Database.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    /// <summary>The settings the portal runs with (a second portal process on the same database takes the same).</summary>
    protected Dictionary<string, string> PortalSettings() => new()
    {
        ["Database:Provider"] = "Postgres",
        ["Database:ConnectionString"] = Database.ConnectionString,
        ["Database:MigrateOnStart"] = "true",
        ["Portal:Bootstrap:AdminEmail"] = AdminEmail,
        ["Portal:Bootstrap:AdminPassword"] = AdminPassword,
        ["Portal:DataFolder"] = Path.Combine(Root, "portal"),
        ["DataProtection:GenerateCertificate"] = "true",
        ["Library:Folder"] = Path.Combine(Root, "library"),
        ["Fabric:HgsUrl"] = HgsUrl.ToString(),
        ["Fabric:HeartbeatStaleAfter"] = HeartbeatStaleAfter.ToString(),
        ["Fabric:Jobs:LeaseDuration"] = LeaseDuration.ToString(),
        ["Fabric:Jobs:SweepInterval"] = "00:00:00.200",
        ["Fabric:Jobs:RetryBackoff"] = "00:00:00",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Starts HGS on <paramref name="port"/> (0: any) with the fabric's master key and data folder, so a restart is the same HGS.</summary>
    public async Task<Uri> StartHgsAsync(int port)
    {
        var hgs = ChildProcess.StartBuilt("HGS", "Portal.HostGuardian.dll", ["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Hgs__MasterKey"] = _hgsMasterKey,
            ["Hgs__DataFolder"] = HgsFolder,
            ["Hgs__AdminApiKey"] = _hgsAdminKey,
            ["Hgs__SeedSimulatedPolicy"] = "true",
            ["Hgs__CertificateLifetime"] = "00:10:00",
        });
        Track(hgs);
        Hgs = hgs;
        return await hgs.ListeningAsync(Deadline);
    }

    /// <summary>A second, unrelated HGS (another provider's fabric): its own master key, guardian and data folder.</summary>
    public async Task<(ChildProcess Process, Uri Url, string AdminKey, string Folder)> StartOtherHgsAsync(string name)
    {
        var adminKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var folder = Path.Combine(Root, name);
        var hgs = ChildProcess.StartBuilt(name, "Portal.HostGuardian.dll", ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Hgs__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Hgs__DataFolder"] = folder,
            ["Hgs__AdminApiKey"] = adminKey,
            ["Hgs__SeedSimulatedPolicy"] = "true",
            ["Hgs__CertificateLifetime"] = "00:10:00",
        });
        Track(hgs);
        return (hgs, await hgs.ListeningAsync(Deadline), adminKey, folder);
    }

    public Task RegisterWithHgsAsync(string name, string folder) => HgsRegistration.RegisterSoftwareTpmAsync(name, folder, HgsUrl, _hgsAdminKey);

    /// <summary>Registers the host with HGS, then starts a real agent process that joins with a fresh token.</summary>
    public async Task<Agent> StartAgentAsync(
        string name, HostResources? capacity = null, TimeSpan? startDelay = null, bool registerWithHgs = true, params string[] extra)
    {
        var folder = Path.Combine(Root, name);
        if (registerWithHgs)
        {
            await RegisterWithHgsAsync(name, folder);
        }

        capacity ??= HostCapacity;
        var process = ChildProcess.StartBuilt(name, "Portal.HostAgent.dll",
        [
            $"--HostAgent:PortalUrl={PortalUrlFor(name)}",
            $"--HostAgent:HgsUrl={HgsUrl}",
            $"--HostAgent:HostName={name}",
            $"--HostAgent:DataFolder={folder}",
            $"--HostAgent:JoinToken={await JoinTokenAsync()}",
            "--HostAgent:HeartbeatInterval=00:00:00.500",
            "--HostAgent:RetryInterval=00:00:00.500",
            "--HostAgent:AttestationRetryInterval=00:00:01",
            "--HostAgent:ClaimWait=00:00:02",
            $"--HostAgent:Capacity:Vcpus={capacity.Vcpus}",
            $"--HostAgent:Capacity:MemoryGiB={capacity.MemoryGiB}",
            $"--HostAgent:Capacity:StorageGiB={capacity.StorageGiB}",
            "--HostAgent:Hypervisor:CreateDelay=00:00:00",
            $"--HostAgent:Hypervisor:StartDelay={startDelay ?? TimeSpan.FromMilliseconds(100)}",
            "--HostAgent:Hypervisor:StopDelay=00:00:00.100",
            "--Logging:LogLevel:Default=Debug",
            .. extra,
        ]);
        Track(process);
        var host = (await WaitForHostsAsync(hosts => hosts.Any(h => h.Name == name && h.State == HostState.Active && h.LastHeartbeatAt is not null)))
            .Single(h => h.Name == name);
        return new Agent(name, folder, host.Id, process);
    }

    /// <summary>The portal a host's agent talks to.</summary>
    protected virtual Uri PortalUrlFor(string hostName) => PortalUrl;

    public async Task<string> JoinTokenAsync()
    {
        using var response = await Admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IssuedJoinToken>(Json))!.Token;
    }

    /// <summary>Takes a host out of the fabric so later placements never choose it.</summary>
    public async Task RemoveHostAsync(Guid hostId)
    {
        using var response = await Admin.DeleteAsync($"/api/admin/v1/fabric/hosts/{hostId}");
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asks for a VM; answers it with the create job's id (from the Location of the 202).</summary>
    public async Task<(VmDto Vm, Guid JobId)> CreateVmAsync(string name, bool shielded)
    {
        using var response = await Tenant.PostAsJsonAsync($"/api/v1/subscriptions/{SubscriptionId}/vms",
            new CreateVmRequest(SubscriptionId, name, TemplateId, SizeId, shielded, shielded ? ShieldingDataId : null), Json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Expected 202, got {(int)response.StatusCode}: {body}");
        return (JsonSerializer.Deserialize<VmDto>(body, Json)!, JobIdOf(response));
    }

    /// <summary>Queues start/shutdown/turnoff/restart (or delete with <paramref name="action"/> null); answers the job's id.</summary>
    public async Task<Guid> RequestAsync(Guid vmId, string? action)
    {
        using var response = action is null
            ? await Tenant.DeleteAsync($"/api/v1/vms/{vmId}")
            : await Tenant.PostAsync($"/api/v1/vms/{vmId}/{action}", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Expected 202 for {action ?? "delete"}, got {(int)response.StatusCode}: {body}");
        return JobIdOf(response);
    }

    public async Task<JobDto> JobAsync(Guid jobId) => (await Tenant.GetFromJsonAsync<JobDto>($"/api/v1/jobs/{jobId}", Json))!;

    public async Task<VmDto> VmAsync(Guid vmId) => (await Tenant.GetFromJsonAsync<VmDto>($"/api/v1/vms/{vmId}", Json))!;

    public async Task<AdminVmDto> AdminVmAsync(Guid vmId) =>
        (await Admin.GetFromJsonAsync<Page<AdminVmDto>>("/api/admin/v1/vms", Json))!.Items.Single(v => v.Vm.Id == vmId);

    public Task<JobDto> WaitForJobAsync(Guid jobId, Func<JobDto, bool> condition, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(() => JobAsync(jobId), condition, $"job {jobId}", timeout ?? Deadline, job => $"{Describe(job)}\n{ProcessOutput()}");

    /// <summary>Waits for the job to end; asserts it succeeded.</summary>
    public async Task<JobDto> SucceededAsync(Guid jobId, TimeSpan? timeout = null)
    {
        var job = await WaitForJobAsync(jobId, j => j.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled, timeout);
        Assert.True(job.State == JobState.Succeeded, Describe(job));
        return job;
    }

    public Task<IReadOnlyList<FabricHostDto>> WaitForHostsAsync(Func<IReadOnlyList<FabricHostDto>, bool> condition) =>
        Eventually.ValueAsync<IReadOnlyList<FabricHostDto>>(
            async () => (await Admin.GetFromJsonAsync<Page<FabricHostDto>>("/api/admin/v1/fabric/hosts", Json))!.Items, condition,
            "the fabric's hosts", Deadline,
            hosts => string.Join("\n", hosts.Select(h => $"{h.Name}: {h.State}, beat {h.LastHeartbeatAt}, {h.Attestation.Status} {h.Attestation.Reason}"))
                + $"\n{ProcessOutput()}");

    public async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> query)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        return await query(db);
    }

    public static string Describe(JobDto job) =>
        $"{job.Type} {job.State} attempt {job.Attempt}/{job.MaxAttempts}, waiting: {job.WaitingReason}, error: {job.Error?.Step} {job.Error?.Code} {job.Error?.Message}; steps: "
        + string.Join(", ", job.Steps.Select(s => $"{s.Kind}={s.State}"));

    public string ProcessOutput() => string.Join("\n----\n", Processes.Select(p => $"{p.Name}:\n{p.Output[^Math.Min(p.Output.Length, 4000)..]}"));

    private void Track(ChildProcess process)
    {
        lock (_lock)
        {
            _processes.Add(process);
        }
    }

    private static Guid JobIdOf(HttpResponseMessage response) =>
        Guid.Parse(response.Headers.Location!.OriginalString.Split('/').Last());

    private async Task<HttpClient> SignedInClientAsync(string email, string password)
    {
        var client = new HttpClient(Responses, disposeHandler: false) { BaseAddress = PortalUrl };
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(email, password));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var token = await response.Content.ReadFromJsonAsync<SessionTokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    private static async Task<T> CreatedAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"Expected 201, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    /// <summary>A size, a template whose disk is in the library and whose signed catalog makes it shielding-capable, a public plan.</summary>
    private async Task SetUpOfferAsync()
    {
        var size = await CreatedAsync<HardwareProfileDto>(await Admin.PostAsJsonAsync("/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest("Small", 2, 4, 40, null), Json));
        SizeId = size.Id;
        var (disk, diskFileName) = TemplateDisk();
        var template = await CreatedAsync<TemplateDto>(await Admin.PostAsJsonAsync("/api/admin/v1/templates",
            new TemplateRequest("Windows Server 2025", OsFamily.Windows, "2025 Datacenter", 2, diskFileName, 40, size.Id, "For the fault tests"), Json));
        TemplateId = template.Id;

        using (var content = new ByteArrayContent(disk))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var uploaded = await Admin.PutAsync($"/api/admin/v1/templates/{template.Id}/disk", content);
            Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        }

        var signer = Guardian.Create("Provider template signing");
        Catalog = await VolumeSignatureCatalog.SignAsync(new MemoryStream(disk), "WS2025", new Version(1, 0, 0, 0), diskFileName, signer, TimeProvider.System);
        var catalogFile = new ByteArrayContent(Catalog.ToArray());
        catalogFile.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using (var form = new MultipartFormDataContent { { catalogFile, "file", "ws2025.vsc" } })
        {
            var signed = await CreatedAsync<TemplateDto>(await Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", form));
            Assert.True(signed.IsShieldingCapable);
        }

        var plan = await CreatedAsync<PlanDto>(await Admin.PostAsJsonAsync("/api/admin/v1/plans", new PlanRequest(
            "Shielded", "For the fault tests", new QuotaDto(100, 400, 800, 8000), true, null, null, [template.Id], [size.Id]), Json));
        using var published = await Admin.PostAsync($"/api/admin/v1/plans/{plan.Id}/publish", null);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
        PlanId = plan.Id;
    }

    public VolumeSignatureCatalog Catalog { get; private set; } = default!;

    public Guid PlanId { get; private set; }

    /// <summary>A tenant who signs up, subscribes and uploads shielding data made on "their own machine" with the marker inside.</summary>
    private async Task SetUpTenantAsync()
    {
        await using (var scope = Portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TenantSignUp>().RegisterAsync(new SignUpInput
            {
                Organization = "Fault Tests Ltd",
                DisplayName = "Fault Tester",
                Email = TenantEmail,
                Password = TenantPassword,
                ConfirmPassword = TenantPassword,
            }, new AuditActor(null, "test", null), CancellationToken.None);
        }

        Tenant = await SignedInClientAsync(TenantEmail, TenantPassword);
        var subscription = await CreatedAsync<SubscriptionDto>(await Tenant.PostAsJsonAsync("/api/v1/subscriptions",
            new SubscribeRequest(PlanId, "Production", null), Json));
        SubscriptionId = subscription.Id;

        var fabricGuardian = GuardianMetadata.Parse(await Tenant.GetByteArrayAsync("/api/v1/fabric/guardian"));
        var owner = Guardian.Create("Tenant owner");
        var pdk = ShieldingDataFile.Create(owner, [fabricGuardian],
            [VolumeIdQualifier.For(Catalog, VersionRule.GreaterThanOrEquals)], ShieldingPolicy.Shielded,
            ShieldingPayload.Create($"Pw-{Marker}", $"<unattend><AdministratorPassword>{Marker}</AdministratorPassword>@ComputerName@</unattend>"),
            TimeProvider.System).ToArray();
        var file = new ByteArrayContent(pdk);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent { { file, "file", "tenant.pdk" }, { new StringContent("Fault tests"), "friendlyName" } };
        ShieldingDataId = (await CreatedAsync<ShieldingDataDto>(await Tenant.PostAsync("/api/v1/shielding-data", form))).Id;
    }

    /// <summary>A real agent process: its host name, data folder, portal host id.</summary>
    public sealed record Agent(string Name, string Folder, Guid HostId, ChildProcess Process)
    {
        public string VmFolder(Guid vmId) => Path.Combine(Folder, "vms", vmId.ToString("N"));
    }
}

[CollectionDefinition(Name)]
public sealed class FabricCollection : ICollectionFixture<FabricFixture>
{
    public const string Name = "Fabric with real processes";
}
