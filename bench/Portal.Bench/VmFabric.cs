using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Portal.Core.Gallery;
using Portal.Core.Jobs;
using Portal.Core.Quotas;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.Qualifiers;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Plans;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Bench;

/// <summary>
/// What a provider and a tenant set up for the VM benchmark, through the portal's API: a template whose disk is the
/// guest built by <c>guest/build.sh</c>, signed with a provider key, in a plan allowing shielded VMs; a tenant with one
/// subscription and shielding data made for the fabric's guardian. Then VMs are created and deleted through
/// <c>/api/v1</c> and their jobs followed to the end.
/// </summary>
public sealed class VmFabric(Uri address, PortalSetup setup) : IDisposable
{
    public static readonly TimeSpan JobDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan HostDeadline = TimeSpan.FromMinutes(3);
    private const string DiskFileName = "tenantportal-linux.qcow2";

    private HttpClient _admin = default!;
    private HttpClient _tenant = default!;
    private Guid _subscriptionId;
    private Guid _templateId;
    private Guid _sizeId;
    private Guid _shieldingDataId;

    public Task SetUpAsync(byte[] templateDisk, CancellationToken ct) => SetUpAsync(templateDisk, shieldingData: true, ct);

    /// <summary>The same, with the tenant's shielding data left out when <paramref name="shieldingData"/> is false (it needs the fabric's guardian, which only a fabric with HGS has).</summary>
    public async Task SetUpAsync(byte[] templateDisk, bool shieldingData, CancellationToken ct)
    {
        _admin = await setup.AdminClientAsync(ct);
        var size = await PortalSetup.CreatedAsync<HardwareProfileDto>(await _admin.PostAsJsonAsync("/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest("Bench VM size", 1, 1, 10, null), PortalSetup.Json, ct), ct);
        _sizeId = size.Id;
        var template = await PortalSetup.CreatedAsync<TemplateDto>(await _admin.PostAsJsonAsync("/api/admin/v1/templates",
            new TemplateRequest("Bench Linux", OsFamily.Linux, "1.0", 2, DiskFileName, 1, size.Id, null), PortalSetup.Json, ct), ct);
        _templateId = template.Id;

        using (var content = new ByteArrayContent(templateDisk))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var uploaded = await _admin.PutAsync($"/api/admin/v1/templates/{template.Id}/disk", content, ct);
            if (!uploaded.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Uploading the template disk: {(int)uploaded.StatusCode} {await uploaded.Content.ReadAsStringAsync(ct)}");
            }
        }

        using var signer = Guardian.Create("Bench template signing");
        var catalog = await VolumeSignatureCatalog.SignAsync(
            new MemoryStream(templateDisk), "Bench-Linux", new Version(1, 0, 0, 0), DiskFileName, signer, TimeProvider.System, ct);
        var catalogFile = new ByteArrayContent(catalog.ToArray());
        catalogFile.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using (var form = new MultipartFormDataContent { { catalogFile, "file", "bench.vsc" } })
        {
            using var response = await _admin.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", form, ct);
            await PortalSetup.EnsureAsync(response, HttpStatusCode.OK, ct);
            var signed = (await response.Content.ReadFromJsonAsync<TemplateDto>(PortalSetup.Json, ct))!;
            if (!signed.IsShieldingCapable)
            {
                throw new InvalidOperationException("The signed bench template is not shielding-capable.");
            }
        }

        var quota = new QuotaDto(QuotaLimits.MaxLimit, QuotaLimits.MaxLimit, QuotaLimits.MaxLimit, null);
        var plan = await PortalSetup.CreatedAsync<PlanDto>(await _admin.PostAsJsonAsync("/api/admin/v1/plans",
            new PlanRequest("Bench VMs", "Benchmark", quota, true, null, null, [template.Id], [size.Id]), PortalSetup.Json, ct), ct);
        using (var published = await _admin.PostAsync($"/api/admin/v1/plans/{plan.Id}/publish", null, ct))
        {
            await PortalSetup.EnsureAsync(published, HttpStatusCode.OK, ct);
        }

        var tenant = await setup.CreateTenantAsync("vms", plan.Id, subscriptions: 1, ct);
        _subscriptionId = tenant.SubscriptionIds[0];
        _tenant = new HttpClient { BaseAddress = address };
        _tenant.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.BearerToken);

        if (!shieldingData)
        {
            return;
        }

        // The tenant's own machine: shielding data for the fabric's guardian, the template's volume and a random password.
        var fabricGuardian = GuardianMetadata.Parse(await _tenant.GetByteArrayAsync("/api/v1/fabric/guardian", ct));
        using var owner = Guardian.Create("Bench tenant owner");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var pdk = ShieldingDataFile.Create(owner, [fabricGuardian],
            [VolumeIdQualifier.For(catalog, VersionRule.GreaterThanOrEquals)], ShieldingPolicy.Shielded,
            ShieldingPayload.Create($"Pw-{password}", "<unattend>@ComputerName@</unattend>"), TimeProvider.System).ToArray();
        var file = new ByteArrayContent(pdk);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var pdkForm = new MultipartFormDataContent { { file, "file", "bench.pdk" }, { new StringContent("Bench"), "friendlyName" } };
        _shieldingDataId = (await PortalSetup.CreatedAsync<ShieldingDataDto>(await _tenant.PostAsync("/api/v1/shielding-data", pdkForm, ct), ct)).Id;
    }

    /// <summary>Waits until the fabric's one host is active and healthy for shielded VMs; answers its driver and acceleration.</summary>
    public async Task<FabricHostDto> HostAsync(CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + HostDeadline;
        while (true)
        {
            var hosts = (await _admin.GetFromJsonAsync<Page<FabricHostDto>>("/api/admin/v1/fabric/hosts", PortalSetup.Json, ct))!.Items;
            if (hosts.FirstOrDefault(h => h.HealthyForShieldedVms && h.LastHeartbeatAt is not null) is { } host)
            {
                return host;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"No host became healthy for shielded VMs within {HostDeadline.TotalMinutes:0} minutes: "
                    + string.Join("; ", hosts.Select(h => $"{h.Name} {h.State} {h.Attestation}")));
            }

            await Task.Delay(250, ct);
        }
    }

    /// <summary>Creates one VM and follows its create job until it ends; answers the VM's id and the finished job.</summary>
    public async Task<(Guid VmId, JobDto Job)> CreateAsync(string name, bool shielded, CancellationToken ct)
    {
        var (vmId, jobId) = await RequestCreateAsync(name, shielded, ct);
        return (vmId, await FinishedAsync(jobId, ct));
    }

    /// <summary>Asks for one VM; answers its id and its create job's, without waiting for the job.</summary>
    public async Task<(Guid VmId, Guid JobId)> RequestCreateAsync(string name, bool shielded, CancellationToken ct)
    {
        using var response = await _tenant.PostAsJsonAsync($"/api/v1/subscriptions/{_subscriptionId}/vms",
            new CreateVmRequest(_subscriptionId, name, _templateId, _sizeId, shielded, shielded ? _shieldingDataId : null), PortalSetup.Json, ct);
        await PortalSetup.EnsureAsync(response, HttpStatusCode.Accepted, ct);
        var vm = (await response.Content.ReadFromJsonAsync<VmDto>(PortalSetup.Json, ct))!;
        return (vm.Id, JobIdOf(response));
    }

    public async Task DeleteAsync(Guid vmId, CancellationToken ct)
    {
        using var response = await _tenant.DeleteAsync($"/api/v1/vms/{vmId}", ct);
        await PortalSetup.EnsureAsync(response, HttpStatusCode.Accepted, ct);
        await FinishedAsync(JobIdOf(response), ct);
    }

    private async Task<JobDto> FinishedAsync(Guid jobId, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + JobDeadline;
        while (true)
        {
            var job = (await _tenant.GetFromJsonAsync<JobDto>($"/api/v1/jobs/{jobId}", PortalSetup.Json, ct))!;
            switch (job.State)
            {
                case JobState.Succeeded:
                    return job;
                case JobState.Failed or JobState.Cancelled:
                    throw new InvalidOperationException(
                        $"{job.Type} job of {job.VmName} {job.State}: {job.Error?.StepTitle} {job.Error?.Code} {job.Error?.Message}");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{job.Type} job of {job.VmName} still {job.State} after {JobDeadline.TotalMinutes:0} minutes.");
            }

            // Short against a step's length; the step times come from the portal, not from this poll.
            await Task.Delay(100, ct);
        }
    }

    private static Guid JobIdOf(HttpResponseMessage response) =>
        Guid.Parse(response.Headers.Location!.OriginalString.Split('/').Last());

    public void Dispose()
    {
        _admin?.Dispose();
        _tenant?.Dispose();
    }
}
