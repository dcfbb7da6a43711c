using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Gallery;
using Portal.Web.Features.Gallery;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Gallery;

public sealed class GalleryApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task Templates_CreateGetUpdateRetireDelete_WithShieldingCapability()
    {
        var api = await OffersApi.SignInAsync(factory);
        var size = await api.CreateSizeAsync();
        var template = await api.CreateTemplateAsync(size.Id);
        Assert.True(template.IsShieldingCapable);
        Assert.Equal("1.0.0.0", template.Vsc!.VscVersion);

        var fetched = await api.Admin.GetAsync<TemplateDto>($"/api/admin/v1/templates/{template.Id}");
        Assert.Equal(template.Name, fetched.Name);

        var updated = await (await api.Admin.PutAsJsonAsync($"/api/admin/v1/templates/{template.Id}", new TemplateRequest(
            template.Name, OsFamily.Windows, "2025 Standard", 2, "ignored.vhdx", 1, size.Id, "unsigned now", null)))
            .ReadAsync<TemplateDto>();
        Assert.False(updated.IsShieldingCapable);
        Assert.Equal("ws2025.vhdx", updated.DiskFileName);

        var retired = await api.Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/retire", null);
        Assert.False((await retired.ReadAsync<TemplateDto>()).IsActive);
        var list = await api.Admin.GetAsync<List<TemplateDto>>("/api/admin/v1/templates");
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
            "Gen 3", OsFamily.Linux, "Ubuntu 24.04", 3, "ubuntu.vhdx", 20, null, null, null));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Generation", out _));
    }

    [Fact]
    public async Task CreateTemplate_BadDiskHash_Returns400NamingTheField()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsJsonAsync("/api/admin/v1/templates", new TemplateRequest(
            "Bad hash", OsFamily.Linux, "Ubuntu 24.04", 2, "ubuntu.vhdx", 20, null, null,
            new VscRequest("Ubuntu", "1.0", "CN=Provider", "not-a-hash-at-all-not-a-hash-at-all-not-a-hash")));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("DiskHash", out _));
    }

    [Fact]
    public async Task HardwareProfiles_CrudAndDuplicateName()
    {
        var api = await OffersApi.SignInAsync(factory);
        var size = await api.CreateSizeAsync(4, 8, 100);

        var duplicate = await api.Admin.PostAsJsonAsync("/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest(size.Name, 1, 1, 1, null));
        var problem = await duplicate.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Name", out _));

        var updated = await (await api.Admin.PutAsJsonAsync($"/api/admin/v1/hardware-profiles/{size.Id}",
            new HardwareProfileRequest(size.Name, 8, 16, 200, "bigger"))).ReadAsync<HardwareProfileDto>();
        Assert.Equal(8, updated.Vcpus);
        Assert.Equal(updated, await api.Admin.GetAsync<HardwareProfileDto>($"/api/admin/v1/hardware-profiles/{size.Id}"));
        Assert.Contains(await api.Admin.GetAsync<List<HardwareProfileDto>>("/api/admin/v1/hardware-profiles"), p => p.Id == size.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Admin.DeleteAsync($"/api/admin/v1/hardware-profiles/{size.Id}")).StatusCode);
    }

    [Fact]
    public async Task CreateProfile_ZeroVcpus_Returns400NamingTheField()
    {
        var api = await OffersApi.SignInAsync(factory);

        var response = await api.Admin.PostAsJsonAsync("/api/admin/v1/hardware-profiles",
            new HardwareProfileRequest("Zero", 0, 4, 40, null));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Vcpus", out _));
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
}
