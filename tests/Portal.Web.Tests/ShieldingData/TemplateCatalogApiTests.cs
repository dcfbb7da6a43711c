using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Gallery;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.ShieldingData;

public sealed class TemplateCatalogApiTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>
{
    [Fact]
    public async Task UploadCatalog_Valid_MakesTheTemplateShieldingCapable_AndTenantsDownloadTheSameBytes()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var template = await admin.CreateTemplateAsync(signed: false);
        Assert.False(template.IsShieldingCapable);
        await SignedCatalogs.UploadDiskAsync(admin.Admin, template.Id);
        var catalog = ShieldingFiles.Catalog.ToArray();

        var response = await admin.Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", CatalogForm(catalog));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = await response.ReadAsync<TemplateDto>();
        Assert.True(updated.IsShieldingCapable);
        Assert.Equal("WS2025-DC", updated.Vsc!.VscName);
        Assert.Equal("10.0.26100.1", updated.Vsc.VscVersion);
        Assert.Equal(ShieldingFiles.Signer.PublicKeys.SigningThumbprint, updated.Vsc.Signer);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "template.catalog-uploaded")));

        var tenant = await TenantAsync();
        var download = await tenant.GetAsync($"/api/v1/templates/{template.Id}/vsc");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(catalog, await download.Content.ReadAsByteArrayAsync());
        Assert.EndsWith(".vsc", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Fact]
    public async Task UploadCatalog_RawBody_IsAcceptedToo_AndAMatchingShieldingDataFileListsTheTemplate()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var template = await admin.CreateTemplateAsync(signed: false);
        await SignedCatalogs.UploadDiskAsync(admin.Admin, template.Id);
        var body = new ByteArrayContent(ShieldingFiles.Catalog.ToArray());
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        Assert.Equal(HttpStatusCode.OK, (await admin.Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", body)).StatusCode);
        var tenant = await TenantAsync();

        var created = await OffersApi.CreatedAsync<ShieldingDataDto>(
            await tenant.PostAsync("/api/v1/shielding-data", ShieldingFiles.Form(ShieldingFiles.Pdk(), "Trusts WS2025")));

        Assert.Contains(created.TrustedTemplates, t => t.Id == template.Id && t.Name == template.Name);
    }

    [Fact]
    public async Task UploadCatalog_Tampered_Returns400WithTheReason_AndChangesNothing()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var template = await admin.CreateTemplateAsync(signed: false);
        var catalog = ShieldingFiles.Catalog.ToArray();
        catalog[^1] ^= 0x01;

        var response = await admin.Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", CatalogForm(catalog));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("SignatureInvalid", problem.GetProperty("error").GetString());
        Assert.StartsWith("Volume signature catalog: ", problem.GetProperty("detail").GetString());
        Assert.False((await admin.Admin.GetAsync<TemplateDto>($"/api/admin/v1/templates/{template.Id}")).IsShieldingCapable);
    }

    [Fact]
    public async Task UploadCatalog_ForAnotherDiskOrAGeneration1Template_Returns400()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var template = await admin.CreateTemplateAsync(signed: false);
        var gen1 = await OffersApi.CreatedAsync<TemplateDto>(await admin.Admin.PostAsJsonAsync("/api/admin/v1/templates", new TemplateRequest(
            OffersApi.Unique("Gen1"), OsFamily.Windows, "2019", 1, ShieldingFiles.DiskFileName, 40, null, null)));
        var otherDisk = ShieldingFiles.SignCatalog("Other", new Version(1, 0), "other.vhdx").ToArray();

        var wrongDisk = await admin.Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", CatalogForm(otherDisk));
        var wrongGeneration = await admin.Admin.PostAsync($"/api/admin/v1/templates/{gen1.Id}/vsc", CatalogForm(ShieldingFiles.Catalog.ToArray()));

        Assert.True((await wrongDisk.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("diskFileName", out _));
        Assert.True((await wrongGeneration.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("generation", out _));
    }

    [Fact]
    public async Task UploadCatalog_TemplateWithoutLibraryDisk_Returns400AskingForTheDiskFirst()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var template = await admin.CreateTemplateAsync(signed: false);

        var response = await admin.Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", CatalogForm(ShieldingFiles.Catalog.ToArray()));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("upload the template disk first", problem.GetProperty("errors").GetProperty("diskSha384")[0].GetString());
        Assert.False((await admin.Admin.GetAsync<TemplateDto>($"/api/admin/v1/templates/{template.Id}")).IsShieldingCapable);
    }

    [Fact]
    public async Task UploadCatalog_SigningAnotherDiskThanTheLibraryDisk_Returns400WithBothShortHashes()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var template = await admin.CreateTemplateAsync(signed: false);
        var otherBytes = SignedCatalogs.DiskBytes.ToArray();
        otherBytes[0] ^= 0xFF;
        var library = await SignedCatalogs.UploadDiskAsync(admin.Admin, template.Id, otherBytes);

        var response = await admin.Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", CatalogForm(ShieldingFiles.Catalog.ToArray()));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var reason = problem.GetProperty("errors").GetProperty("diskSha384")[0].GetString();
        Assert.Contains(ShieldingFiles.Catalog.DiskHashHex[..12], reason);
        Assert.Contains(library.DiskSha384![..12], reason);
        Assert.False((await admin.Admin.GetAsync<TemplateDto>($"/api/admin/v1/templates/{template.Id}")).IsShieldingCapable);
    }

    [Fact]
    public async Task UploadCatalog_Oversized_Returns413_AndTenantsMayNotUpload()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var template = await admin.CreateTemplateAsync(signed: false);
        var tenant = await TenantAsync();

        var oversized = await admin.Admin.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", CatalogForm(new byte[2 * 1024 * 1024]));
        var byTenant = await tenant.PostAsync($"/api/admin/v1/templates/{template.Id}/vsc", CatalogForm(ShieldingFiles.Catalog.ToArray()));

        await oversized.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await byTenant.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DownloadCatalog_TemplateWithoutAnUploadedCatalogOrUnknown_Returns404()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var unsigned = await admin.CreateTemplateAsync(signed: false);
        var tenant = await TenantAsync();

        await (await tenant.GetAsync($"/api/v1/templates/{unsigned.Id}/vsc")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await tenant.GetAsync($"/api/v1/templates/{Guid.NewGuid()}/vsc")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UploadCatalog_AgainWithAReSignedDisk_ReplacesCatalogAndFile()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var template = await admin.CreateTemplateAsync(signed: true);
        var resigned = SignedCatalogs.Sign("WS2025", new Version(1, 1, 0, 0));

        var updated = await SignedCatalogs.UploadAsync(admin.Admin, template.Id, resigned);

        Assert.Equal("1.1.0.0", updated.Vsc!.VscVersion);
        var download = await (await TenantAsync()).GetAsync($"/api/v1/templates/{template.Id}/vsc");
        Assert.Equal(resigned.ToArray(), await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task RemoveCatalog_MakesTemplateNotShieldingCapable_IsAudited_AndASecondRemoveReturns409()
    {
        var admin = await OffersApi.SignInAsync(factory);
        var template = await admin.CreateTemplateAsync(signed: true);
        var tenant = await TenantAsync();

        var removed = await (await admin.Admin.DeleteAsync($"/api/admin/v1/templates/{template.Id}/vsc")).ReadAsync<TemplateDto>();

        Assert.False(removed.IsShieldingCapable);
        Assert.Null(removed.Vsc);
        Assert.Null(await factory.WithDbAsync(db => db.VmTemplates.Where(t => t.Id == template.Id).Select(t => t.VscFile).SingleAsync()));
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(
            a => a.Action == "template.catalog-removed" && a.Target.Contains(template.Id.ToString()))));
        await (await tenant.GetAsync($"/api/v1/templates/{template.Id}/vsc")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.Admin.DeleteAsync($"/api/admin/v1/templates/{template.Id}/vsc")).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await tenant.DeleteAsync($"/api/admin/v1/templates/{template.Id}/vsc")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    private static MultipartFormDataContent CatalogForm(byte[] catalog) => SignedCatalogs.Form(catalog);

    private async Task<HttpClient> TenantAsync() => await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
}
