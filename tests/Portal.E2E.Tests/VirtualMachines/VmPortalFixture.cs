using System.Net.Http.Json;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.ShieldingData;

namespace Portal.E2E.Tests.VirtualMachines;

/// <summary>
/// A portal on its own PostgreSQL database with two simulated guarded hosts (both pass attestation; in-process HGS comes
/// with them), and the provider's machine where template disks are signed.
/// </summary>
public sealed class VmPortalFixture : PortalFixtureBase
{
    /// <summary>The provider's machine: template disks and the key that signs them.</summary>
    public Tool Provider { get; } = new("provider");

    protected override Task PrepareAsync()
    {
        Provider.Run("guardian", "new", "--name", "Contoso template signing", "--out", Provider.PathOf("signer.json"));
        return Task.CompletedTask;
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings() =>
    [
        new("Fabric:SimulatedHosts:Count", "2"),
        new("Fabric:SimulatedHosts:HeartbeatIntervalSeconds", "1"),
        new("Fabric:SimulatedHosts:Hypervisor", "Simulated"),
    ];

    /// <summary>
    /// The provider's offer over the admin API: a size, a template whose disk is in the library (signed and its catalog
    /// uploaded when <paramref name="shielded"/>), and a public plan offering both.
    /// </summary>
    public async Task<VmOffer> PublishOfferAsync(string name, bool shielded, int maxVms = 2)
    {
        using var api = await AdminApiAsync();
        var size = await PostAsync(api, "/api/admin/v1/hardware-profiles", new
        {
            name = $"{name} size", vcpus = 1, memoryGiB = 1, diskGiB = 10, description = "1 vCPU, 1 GiB, 10 GiB",
        });
        var templateName = $"{name} template";
        var template = await PostAsync(api, "/api/admin/v1/templates", new
        {
            name = templateName, osFamily = "Linux", osVersion = "Test 1.0", generation = 2,
            diskFileName = "test.disk", diskSizeGiB = 1, defaultHardwareProfileId = size, description = "E2E template",
        });

        // The catalog names the disk file it signs, and that must be the template's file name.
        Directory.CreateDirectory(Provider.PathOf($"{template:N}"));
        var disk = Provider.Write(Path.Combine($"{template:N}", "test.disk"), [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i % 253))]);
        await PutFileAsync(api, $"/api/admin/v1/templates/{template}/disk", disk);
        if (shielded)
        {
            var catalog = Provider.PathOf($"{template:N}.vsc");
            Provider.Run("vsc", "sign", "--disk", disk, "--name", "E2E-Linux", "--version", "1.0.0.0",
                "--signer", Provider.PathOf("signer.json"), "--out", catalog);
            await PostFileAsync(api, $"/api/admin/v1/templates/{template}/vsc", catalog);
        }

        var planName = $"{name} plan";
        var plan = await PostAsync(api, "/api/admin/v1/plans", new
        {
            name = planName, description = "E2E plan",
            quota = new { maxVms, maxVcpus = 8, maxMemoryGiB = 16, maxStorageGiB = 100 },
            allowShieldedVms = shielded, templateIds = new[] { template }, hardwareProfileIds = new[] { size },
        });
        var publish = await api.PostAsync($"/api/admin/v1/plans/{plan}/publish", null);
        Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());
        return new VmOffer(planName, templateName, template, $"{name} size");
    }

    protected override Task CleanUpAsync()
    {
        Provider.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<Guid> PostAsync(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
    }

    private static async Task PutFileAsync(HttpClient api, string path, string file)
    {
        await using var stream = File.OpenRead(file);
        using var content = new StreamContent(stream);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        var response = await api.PutAsync(path, content);
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task PostFileAsync(HttpClient api, string path, string file)
    {
        await using var stream = File.OpenRead(file);
        using var content = new StreamContent(stream);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        var response = await api.PostAsync(path, content);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {await response.Content.ReadAsStringAsync()}");
    }

    private sealed record IdOnly(Guid Id);
}

/// <summary>What the provider published: the names a tenant sees, and the template's id.</summary>
public sealed record VmOffer(string PlanName, string TemplateName, Guid TemplateId, string SizeName);
