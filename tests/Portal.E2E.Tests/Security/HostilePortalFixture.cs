using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Portal.E2E.Tests.ShieldingData;
using Portal.Web.Features.Account;
using Portal.Web.Features.Subscriptions;
using Portal.Web.Features.VirtualMachines;

namespace Portal.E2E.Tests.Security;

/// <summary>
/// A portal whose every free-text field holds script payloads (<see cref="HostileFields"/>): the provider's offer, one
/// tenant with a subscription, an add-on, an API token, shielding data and two VMs (one failed, one running), and two
/// hosts joined over the agent API whose agent reports hostile text. Made once, the first time a test asks.
/// </summary>
public sealed class HostilePortalFixture : PortalFixtureBase
{
    private Task<HostileData>? _data;

    /// <summary>The key standing in for HGS's attestation signer, so the hosts' health certificates verify.</summary>
    public ECDsa Signer { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public Tool Provider { get; } = new("provider");

    public Tool TenantMachine { get; } = new("tenant");

    public TestTenant Tenant { get; } = TestTenant.New(HostileFields.UserDisplayName) with { Organization = HostileFields.Organization };

    public Task<HostileData> DataAsync() => _data ??= SeedAsync();

    /// <summary>The tenant as an API client (a short-lived bearer token).</summary>
    public async Task<HttpClient> TenantApiAsync()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(Tenant.Email, Tenant.Password));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<SessionTokenResponse>())!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return client;
    }

    protected override Task PrepareAsync()
    {
        Provider.Run("guardian", "new", "--name", HostileFields.FabricGuardianName, "--out", Provider.PathOf("fabric.guardian.json"));
        Provider.Run("guardian", "export", "--guardian", Provider.PathOf("fabric.guardian.json"), "--out", Provider.PathOf("fabric.metadata.json"));
        Provider.Run("guardian", "new", "--name", "Contoso template signing", "--out", Provider.PathOf("signer.json"));
        return Task.CompletedTask;
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Fabric:AttestationSignerKey", Convert.ToBase64String(Signer.ExportSubjectPublicKeyInfo())),
        new("Fabric:SimulatedHosts:Count", "0"),
        new("Fabric:GuardianMetadataFile", Provider.PathOf("fabric.metadata.json")),
    ];

    protected override Task CleanUpAsync()
    {
        Signer.Dispose();
        Provider.Dispose();
        TenantMachine.Dispose();
        return Task.CompletedTask;
    }

    private async Task<HostileData> SeedAsync()
    {
        using var admin = await AdminApiAsync();
        var offer = await PublishOfferAsync(admin);
        await SignUpTenantAsync();

        using var tenant = await TenantApiAsync();
        var subscription = await PostAsync(tenant, "/api/v1/subscriptions",
            new SubscribeRequest(offer.PlanId, HostileFields.SubscriptionName, HostileFields.InvitationCode));
        await PostAsync(tenant, $"/api/v1/subscriptions/{subscription}/addons", new AddAddOnRequest(offer.AddOnId));
        await PostAsync(tenant, "/api/v1/tokens", new { name = HostileFields.ApiTokenName, expiresInDays = 30 });
        var shieldingData = await UploadShieldingDataAsync(tenant, offer.TemplateId);

        // Only this host is up while the VMs are created, so their jobs can land nowhere else.
        using var host = await HostileHost.JoinAsync(BaseAddress, admin, "hostile-host-01", HostileFields.AgentVersion);
        await host.BeatPassedAsync(Signer, new HypervisorReport(HostileFields.Hypervisor, HostileFields.Acceleration, null), HostileFields.Tpm);
        var failedVm = await CreateVmAsync(tenant, subscription, offer, HostileFields.FailedVmName);
        var runningVm = await CreateVmAsync(tenant, subscription, offer, HostileFields.RunningVmName);
        for (var i = 0; i < 2; i++)
        {
            var job = await host.ClaimAsync();
            if (job.Vm.Id == failedVm)
            {
                // The first step's note shows beside the failed second step's error.
                await host.ReportStepAsync(job, job.Steps[0], JobStepState.Succeeded, HostileFields.StepMessage);
                await host.ReportStepAsync(job, job.Steps[1], JobStepState.Running, HostileFields.StepMessage);
                await host.CompleteAsync(job, new JobError(job.Steps[1], "HostileHost", HostileFields.ErrorMessage));
            }
            else
            {
                foreach (var step in job.Steps)
                {
                    await host.ReportStepAsync(job, step, JobStepState.Succeeded, HostileFields.StepMessage);
                }

                await host.CompleteAsync(job, null);
            }
        }

        using var insecure = await HostileHost.JoinAsync(BaseAddress, admin, "hostile-host-02", HostileFields.AgentVersion);
        await insecure.BeatFailedAsync(HostileFields.AttestationReason,
            new HypervisorReport(HostileFields.Hypervisor, HostileFields.Acceleration, null), HostileFields.Tpm);

        return new HostileData(offer.PlanId, offer.TemplateId, offer.AddOnId, subscription, shieldingData, failedVm, runningVm);
    }

    private async Task<(Guid PlanId, Guid TemplateId, Guid SizeId, Guid AddOnId)> PublishOfferAsync(HttpClient admin)
    {
        var size = await PostAsync(admin, "/api/admin/v1/hardware-profiles", new
        {
            name = HostileFields.SizeName, vcpus = 1, memoryGiB = 1, diskGiB = 10, description = HostileFields.SizeDescription,
        });
        var template = await PostAsync(admin, "/api/admin/v1/templates", new
        {
            name = HostileFields.TemplateName, osFamily = "Linux", osVersion = HostileFields.TemplateOsVersion, generation = 2,
            diskFileName = "hostile.disk", diskSizeGiB = 1, defaultHardwareProfileId = size, description = HostileFields.TemplateDescription,
        });

        var disk = Provider.Write("hostile.disk", [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i % 251))]);
        await SendFileAsync(admin, HttpMethod.Put, $"/api/admin/v1/templates/{template}/disk", disk);
        Provider.Run("vsc", "sign", "--disk", disk, "--name", HostileFields.CatalogName, "--version", "1.0.0.0",
            "--signer", Provider.PathOf("signer.json"), "--out", Provider.PathOf("hostile.vsc"));
        await SendFileAsync(admin, HttpMethod.Post, $"/api/admin/v1/templates/{template}/vsc", Provider.PathOf("hostile.vsc"));

        var plan = await PostAsync(admin, "/api/admin/v1/plans", new
        {
            name = HostileFields.PlanName, description = HostileFields.PlanDescription,
            quota = new { maxVms = 4, maxVcpus = 8, maxMemoryGiB = 16, maxStorageGiB = 100 },
            allowShieldedVms = true, invitationCode = HostileFields.InvitationCode,
            templateIds = new[] { template }, hardwareProfileIds = new[] { size },
        });
        await EnsureAsync(await admin.PostAsync($"/api/admin/v1/plans/{plan}/publish", null));

        var addOn = await PostAsync(admin, "/api/admin/v1/addons", new
        {
            name = HostileFields.AddOnName, description = HostileFields.AddOnDescription,
            extra = new { vms = 1, vcpus = 1, memoryGiB = 1, storageGiB = 10 }, maxPerSubscription = 2, planIds = new[] { plan },
        });
        await EnsureAsync(await admin.PostAsync($"/api/admin/v1/addons/{addOn}/publish", null));
        return (plan, template, size, addOn);
    }

    /// <summary>Sign-up is a browser form only; its dashboard greets the new user by the name just typed.</summary>
    private async Task SignUpTenantAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString() });
        try
        {
            await new SignUpPage(await context.NewPageAsync()).SignUpAsync(Tenant);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>On the tenant's machine: a shielding data file whose owner guardian has a hostile name, trusting the fabric and the template.</summary>
    private async Task<Guid> UploadShieldingDataAsync(HttpClient tenant, Guid templateId)
    {
        TenantMachine.Write("fabric-guardian.json", await tenant.GetByteArrayAsync("/api/v1/fabric/guardian"));
        TenantMachine.Write("template.vsc", await tenant.GetByteArrayAsync($"/api/v1/templates/{templateId}/vsc"));
        TenantMachine.Run("guardian", "new", "--name", HostileFields.OwnerGuardianName, "--out", TenantMachine.PathOf("owner.guardian.json"));
        TenantMachine.Write("password.txt", "Tenant-Only-Secret-1!\n");
        TenantMachine.Run("pdk", "new", "--owner", TenantMachine.PathOf("owner.guardian.json"),
            "--guardian", TenantMachine.PathOf("fabric-guardian.json"),
            "--qualifier", TenantMachine.PathOf("template.vsc") + ":GreaterThanOrEquals", "--policy", "Shielded",
            "--admin-password-file", TenantMachine.PathOf("password.txt"), "--out", TenantMachine.PathOf("vm.pdk"));

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(File.ReadAllBytes(TenantMachine.PathOf("vm.pdk"))), "file", "vm.pdk" },
            { new StringContent(HostileFields.ShieldingDataName), "friendlyName" },
            { new StringContent(HostileFields.ShieldingDataDescription), "description" },
        };
        return await ReadIdAsync(await tenant.PostAsync("/api/v1/shielding-data", form));
    }

    private static Task<Guid> CreateVmAsync(
        HttpClient tenant, Guid subscriptionId, (Guid PlanId, Guid TemplateId, Guid SizeId, Guid AddOnId) offer, string name) =>
        PostAsync(tenant, "/api/v1/vms", new CreateVmRequest(subscriptionId, name, offer.TemplateId, offer.SizeId, Shielded: false));

    private static async Task<Guid> PostAsync(HttpClient api, string path, object body) =>
        await ReadIdAsync(await api.PostAsJsonAsync(path, body));

    private static async Task SendFileAsync(HttpClient api, HttpMethod method, string path, string file)
    {
        using var content = new ByteArrayContent(File.ReadAllBytes(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await api.SendAsync(new HttpRequestMessage(method, path) { Content = content });
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<Guid> ReadIdAsync(HttpResponseMessage response)
    {
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
    }

    private static async Task EnsureAsync(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {await response.Content.ReadAsStringAsync()}");

    private sealed record IdOnly(Guid Id);
}

/// <summary>The ids of what the fixture made.</summary>
public sealed record HostileData(
    Guid PlanId, Guid TemplateId, Guid AddOnId, Guid SubscriptionId, Guid ShieldingDataId, Guid FailedVmId, Guid RunningVmId);
