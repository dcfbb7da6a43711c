using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Portal.Core.Fabric;
using Portal.Core.Jobs;
using Portal.Testing;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Plans;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;
using Portal.Web.Tests.ShieldingData;

namespace Portal.Web.Tests.Jobs;

/// <summary>
/// A fabric test portal of its own (fresh database, so no host or job of another test can take part) whose fabric
/// controller runs on short times: leases of seconds (10 unless a test needs them to run out sooner), sweeps every 200 ms, no retry backoff.
/// </summary>
public sealed class JobsApp : IAsyncLifetime
{
    // settings: more on top of the short job timings, e.g. another database provider.
    public JobsApp(TimeSpan? lease = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Lease = lease ?? TimeSpan.FromSeconds(10);
        var all = new Dictionary<string, string?>
        {
            ["Fabric:Jobs:LeaseDuration"] = Lease.ToString("c", CultureInfo.InvariantCulture),
            ["Fabric:Jobs:ClaimWaitMax"] = "00:00:02",
            ["Fabric:Jobs:SweepInterval"] = "00:00:00.200",
            ["Fabric:Jobs:RetryBackoff"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        Fabric = FabricTestApp.With(all);
    }

    public TimeSpan Lease { get; }

    public FabricTestApp Fabric { get; }

    public HttpClient Admin { get; private set; } = default!;

    public OffersApi Offers { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Fabric.InitializeAsync();
        Admin = await Fabric.AdminAsync();
        Offers = new OffersApi(Admin);
    }

    public Task DisposeAsync() => Fabric.DisposeAsync();

    public Task<TestJobAgent> AgentAsync(HostResources? capacity = null, bool healthy = true) =>
        TestJobAgent.JoinAsync(Fabric, Admin, capacity, healthy);

    /// <summary>
    /// A new tenant subscribed to a new plan with one size and one template. <paramref name="shieldingTemplate"/> signs the
    /// template with the catalog <see cref="ShieldingFiles.Pdk"/> trusts and uploads that file for the tenant.
    /// </summary>
    public async Task<TenantSetup> TenantAsync(
        QuotaDto? quota = null, bool allowShieldedVms = true, bool shieldingTemplate = false, int vcpus = 2, int memoryGiB = 4,
        int diskGiB = 40, HttpClient? tenant = null)
    {
        var size = await Offers.CreateSizeAsync(vcpus, memoryGiB, diskGiB);
        TemplateDto template;
        if (shieldingTemplate)
        {
            template = await Offers.CreateTemplateAsync(size.Id, signed: false);
            template = await SignedCatalogs.UploadAsync(Admin, template.Id, ShieldingFiles.Catalog);
        }
        else
        {
            template = await Offers.CreateTemplateAsync(size.Id);
        }

        var plan = await OffersApi.CreatedAsync<PlanDto>(await Admin.PostAsJsonAsync("/api/admin/v1/plans", new PlanRequest(
            OffersApi.Unique("Jobs"), "For job tests", quota ?? new QuotaDto(10, 40, 80, 800), allowShieldedVms, null, null,
            [template.Id], [size.Id])));
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsync($"/api/admin/v1/plans/{plan.Id}/publish", null)).StatusCode);
        tenant ??= await Fabric.TenantAsync();
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);
        return new TenantSetup(tenant, subscription.Id, template.Id, size.Id);
    }

    /// <summary>Uploads a shielding data file for the tenant (by default one trusting the shielding template).</summary>
    public static async Task<ShieldingDataDto> UploadShieldingDataAsync(HttpClient tenant, byte[]? file = null) =>
        await OffersApi.CreatedAsync<ShieldingDataDto>(await tenant.PostAsync("/api/v1/shielding-data",
            ShieldingFiles.Form(file ?? ShieldingFiles.Pdk(), OffersApi.Unique("Tier"))));
}

public sealed record TenantSetup(HttpClient Client, Guid SubscriptionId, Guid TemplateId, Guid SizeId)
{
    public Task<HttpResponseMessage> CreateVmAsync(string? name = null, bool shielded = false, Guid? shieldingDataId = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/subscriptions/{SubscriptionId}/vms")
        {
            Content = JsonContent.Create(
                new CreateVmRequest(SubscriptionId, name ?? $"vm-{Guid.NewGuid():N}"[..11], TemplateId, SizeId, shielded, shieldingDataId),
                options: OffersJson.Options),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add(VmEndpoints.IdempotencyKeyHeader, idempotencyKey);
        }

        return Client.SendAsync(request);
    }

    /// <summary>Creates a VM and asserts 202 with a Location naming its job.</summary>
    public async Task<(VmDto Vm, Guid JobId)> CreatedVmAsync(string? name = null, bool shielded = false, Guid? shieldingDataId = null)
    {
        var response = await CreateVmAsync(name, shielded, shieldingDataId);
        return await AcceptedVmAsync(response);
    }

    public static async Task<(VmDto Vm, Guid JobId)> AcceptedVmAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Expected 202, got {(int)response.StatusCode}: {body}");
        return (await response.ReadAsync<VmDto>(), JobIdOf(response));
    }

    /// <summary>Queues an operation (start, shutdown, turnoff, restart) and asserts 202 with the job's Location.</summary>
    public async Task<JobDto> OperateAsync(Guid vmId, string action)
    {
        var response = await Client.PostAsync($"/api/v1/vms/{vmId}/{action}", null);
        return await AcceptedJobAsync(response);
    }

    public async Task<JobDto> DeleteVmAsync(Guid vmId) => await AcceptedJobAsync(await Client.DeleteAsync($"/api/v1/vms/{vmId}"));

    public static async Task<JobDto> AcceptedJobAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Expected 202, got {(int)response.StatusCode}: {body}");
        var job = await response.ReadAsync<JobDto>();
        Assert.Equal(job.Id, JobIdOf(response));
        return job;
    }

    public Task<JobDto> JobAsync(Guid jobId) => Client.GetAsync<JobDto>($"/api/v1/jobs/{jobId}");

    public Task<VmDto> VmAsync(Guid vmId) => Client.GetAsync<VmDto>($"/api/v1/vms/{vmId}");

    public Task<JobDto> JobWhenAsync(Guid jobId, Func<JobDto, bool> condition, string what) =>
        Eventually.ValueAsync(() => JobAsync(jobId), condition, $"job {jobId} {what}");

    public Task<JobDto> JobFinishedAsync(Guid jobId, JobState state) =>
        JobWhenAsync(jobId, j => j.State == state, $"to be {state}");

    public static Guid JobIdOf(HttpResponseMessage response)
    {
        var location = response.Headers.Location?.OriginalString;
        Assert.NotNull(location);
        Assert.StartsWith("/api/v1/jobs/", location);
        return Guid.Parse(location["/api/v1/jobs/".Length..]);
    }
}
