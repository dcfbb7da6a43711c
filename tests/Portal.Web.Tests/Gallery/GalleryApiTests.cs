using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Gallery;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;
using Portal.Web.Tests.ShieldingData;

namespace Portal.Web.Tests.Gallery;

public sealed class GalleryApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Templates_CreateGetUpdateRetireDelete_UpdateKeepsTheUploadedCatalog()
    {
        var api = await OffersApi.SignInAsync(factory);
        var size = await api.CreateSizeAsync();
        var template = await api.CreateTemplateAsync(size.Id);
        Assert.True(template.IsShieldingCapable);
        Assert.Equal("1.0.0.0", template.Vsc!.VscVersion);
        Assert.Equal(SignedCatalogs.Signer.PublicKeys.SigningThumbprint, template.Vsc.Signer);

        var fetched = await api.Admin.GetAsync<TemplateDto>($"/api/admin/v1/templates/{template.Id}");
        Assert.Equal(template.Name, fetched.Name);

        var updated = await (await api.Admin.PutAsJsonAsync($"/api/admin/v1/templates/{template.Id}", new TemplateRequest(
            template.Name, OsFamily.Windows, "2025 Standard", 2, "ignored.vhdx", 1, size.Id, "renamed edition")))
            .ReadAsync<TemplateDto>();
        Assert.Equal("2025 Standard", updated.OsVersion);
        Assert.Equal("ws2025.vhdx", updated.DiskFileName);
        Assert.True(updated.IsShieldingCapable);
        Assert.Equal(template.Vsc, updated.Vsc);
        Assert.Equal(SignedCatalogs.Default.ToArray(),
            await factory.WithDbAsync(db => db.VmTemplates.Where(t => t.Id == template.Id).Select(t => t.VscFile).SingleAsync()));

        var retired = await api.Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/retire", null);
        Assert.False((await retired.ReadAsync<TemplateDto>()).IsActive);
        var list = await api.Admin.GetItemsAsync<TemplateDto>("/api/admin/v1/templates");
        Assert.Contains(list, t => t.Id == template.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/admin/v1/templates/{template.Id}")).StatusCode);
        await (await api.Admin.GetAsync($"/api/admin/v1/templates/{template.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "template.retired")));
    }

    [Fact]
    public async Task CreateTemplate_BadGeneration_Returns400NamingTheField()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsJsonAsync("/api/admin/v1/templates", new TemplateRequest(
            "Gen 3", OsFamily.Linux, "Ubuntu 24.04", 3, "ubuntu.vhdx", 20, null, null));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("generation", out _));
    }

    [Theory]
    [InlineData("vsc")]
    [InlineData("Vsc")]
    public async Task CreateTemplate_JsonWithTypedInVscProperty_Returns400PointingToTheUpload_AndCreatesNothing(string property)
    {
        var api = await OffersApi.SignInAsync(factory);
        var name = OffersApi.Unique("Typed catalog");

        var response = await api.Admin.PostAsync("/api/admin/v1/templates", JsonBody(name, property));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("vsc", out var errors));
        Assert.Contains("/vsc", errors[0].GetString());
        Assert.False(await factory.WithDbAsync(db => db.VmTemplates.AnyAsync(t => t.Name == name)));
    }

    [Fact]
    public async Task UpdateTemplate_JsonWithTypedInVscProperty_Returns400_AndLeavesTemplateAndCatalogUnchanged()
    {
        var api = await OffersApi.SignInAsync(factory);
        var unsigned = await api.CreateTemplateAsync(signed: false);
        var signed = await api.CreateTemplateAsync(signed: true);
        var otherSigner = SignedCatalogs.Sign("WS2025", new Version(2, 0, 0, 0), signer: ShieldingFiles.OtherFabric);

        foreach (var template in new[] { unsigned, signed })
        {
            var before = await api.Admin.GetAsync<TemplateDto>($"/api/admin/v1/templates/{template.Id}");
            var response = await api.Admin.PutAsync($"/api/admin/v1/templates/{template.Id}", JsonBody(template.Name, "vsc",
                otherSigner.Name, otherSigner.Version.ToString(), otherSigner.SignerThumbprint, otherSigner.DiskHashHex, osVersion: "changed"));

            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("vsc", out _));
            Assert.Equal(before, await api.Admin.GetAsync<TemplateDto>($"/api/admin/v1/templates/{template.Id}"));
        }

        Assert.False((await api.Admin.GetAsync<TemplateDto>($"/api/admin/v1/templates/{unsigned.Id}")).IsShieldingCapable);
        Assert.Equal(SignedCatalogs.Default.ToArray(),
            await factory.WithDbAsync(db => db.VmTemplates.Where(t => t.Id == signed.Id).Select(t => t.VscFile).SingleAsync()));
    }

    [Fact]
    public async Task CreateShieldedVm_TemplateWithoutVerifiedCatalog_IsRefused_ButAnUnshieldedVmIsAccepted()
    {
        var api = await OffersApi.SignInAsync(factory);
        var size = await api.CreateSizeAsync();
        var unsigned = await api.CreateTemplateAsync(size.Id, signed: false);
        var plan = await api.CreatePlanAsync(templateId: unsigned.Id, sizeId: size.Id);
        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        var subscription = await OffersApi.SubscribeAsync(tenant, plan.Id);
        var request = new CreateVmRequest(subscription.Id, "shielded-1", unsigned.Id, size.Id, Shielded: true);

        var refused = await tenant.PostAsJsonAsync("/api/v1/vms", request);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("shielded", out _));
        Assert.False(await factory.WithDbAsync(db => db.VirtualMachines.AnyAsync(v => v.SubscriptionId == subscription.Id)));
        Assert.Equal(HttpStatusCode.Accepted,
            (await tenant.PostAsJsonAsync("/api/v1/vms", request with { Name = "plain-1", Shielded = false })).StatusCode);
    }

    [Fact]
    public async Task HardwareProfiles_CrudAndDuplicateName()
    {
        var api = await OffersApi.SignInAsync(factory);
        var size = await api.CreateSizeAsync(4, 8, 100);

        var duplicate = await api.Admin.PostAsJsonAsync("/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest(size.Name, 1, 1, 1, null));
        var problem = await duplicate.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));

        var updated = await (await api.Admin.PutAsJsonAsync($"/api/admin/v1/hardware-profiles/{size.Id}",
            new HardwareProfileRequest(size.Name, 8, 16, 200, "bigger"))).ReadAsync<HardwareProfileDto>();
        Assert.Equal(8, updated.Vcpus);
        Assert.Equal(updated, await api.Admin.GetAsync<HardwareProfileDto>($"/api/admin/v1/hardware-profiles/{size.Id}"));
        Assert.Contains(await api.Admin.GetItemsAsync<HardwareProfileDto>("/api/admin/v1/hardware-profiles"), p => p.Id == size.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/admin/v1/hardware-profiles/{size.Id}")).StatusCode);
    }

    [Fact]
    public async Task CreateProfile_ZeroVcpus_Returns400NamingTheField()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsJsonAsync("/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest("Zero", 0, 4, 40, null));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("vcpus", out _));
    }

    [Fact]
    public async Task DeleteProfile_OfferedByAPlan_Returns409()
    {
        var api = await OffersApi.SignInAsync(factory);
        var plan = await api.CreatePlanAsync(publish: false);

        var response = await api.Admin.DeleteAsync($"/api/admin/v1/hardware-profiles/{plan.HardwareProfileIds[0]}");

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Tenant_CallingGalleryAdminApi_Answers403()
    {
        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);

        await (await tenant.GetAsync("/api/admin/v1/templates")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await tenant.PostAsJsonAsync("/api/admin/v1/hardware-profiles", new HardwareProfileRequest("x", 1, 1, 1, null)))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    /// <summary>Raw JSON, as a client that still types catalog facts would send it.</summary>
    private static StringContent JsonBody(
        string name, string vscProperty, string vscName = "WS2025", string vscVersion = "1.0.0.0", string signer = "CN=Provider",
        string diskHash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", string osVersion = "2025 Datacenter") =>
        new(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["name"] = name,
            ["osFamily"] = "Windows",
            ["osVersion"] = osVersion,
            ["generation"] = 2,
            ["diskFileName"] = SignedCatalogs.DiskFileName,
            ["diskSizeGiB"] = 40,
            [vscProperty] = new { vscName, vscVersion, signer, diskHash },
        }), Encoding.UTF8, "application/json");
}
