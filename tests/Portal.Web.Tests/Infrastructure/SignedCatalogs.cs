using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.Guardians;
using Portal.Web.Features.Gallery;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// Real volume signature catalogs, made the way <c>tenantportal vsc sign</c> makes them (a guardian signing a disk file),
/// and uploaded through the verified API: the only way a template becomes shielding-capable.
/// </summary>
public static class SignedCatalogs
{
    public const string DiskFileName = "ws2025.vhdx";

    /// <summary>The template disk every test catalog signs; upload it as the template's library disk first.</summary>
    public static readonly byte[] DiskBytes = [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7 % 251))];

    private static readonly Lazy<Guardian> LazySigner = new(() => Guardian.Create("Contoso template signing"));
    private static readonly Lazy<VolumeSignatureCatalog> LazyDefault = new(() => Sign("WS2025", new Version(1, 0, 0, 0)));

    public static FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The provider's template-signing guardian.</summary>
    public static Guardian Signer => LazySigner.Value;

    /// <summary>"WS2025" 1.0.0.0 over <see cref="DiskFileName"/>: what a signed test template gets unless a test needs another.</summary>
    public static VolumeSignatureCatalog Default => LazyDefault.Value;

    /// <summary>Signs a small disk file written to a temporary folder (read as a stream, as the tool does).</summary>
    public static VolumeSignatureCatalog Sign(string name, Version version, string diskFileName = DiskFileName, Guardian? signer = null)
    {
        var folder = Directory.CreateTempSubdirectory("portal-vsc-");
        try
        {
            var disk = Path.Combine(folder.FullName, diskFileName);
            File.WriteAllBytes(disk, DiskBytes);
            using var stream = File.OpenRead(disk);
            return VolumeSignatureCatalog.SignAsync(stream, name, version, diskFileName, signer ?? Signer, Time).GetAwaiter().GetResult();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>A multipart upload body, as the portal's upload endpoint takes it.</summary>
    public static MultipartFormDataContent Form(byte[] catalog, string fileName = "ws2025.vsc")
    {
        var content = new ByteArrayContent(catalog);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { content, "file", fileName } };
    }

    /// <summary>Uploads <paramref name="disk"/> (or <see cref="DiskBytes"/>) as the template's library disk; asserts it was accepted.</summary>
    public static async Task<TemplateDto> UploadDiskAsync(HttpClient admin, Guid templateId, byte[]? disk = null)
    {
        var content = new ByteArrayContent(disk ?? DiskBytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await admin.PutAsync($"/api/admin/v1/templates/{templateId}/disk", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 for the disk upload, got {(int)response.StatusCode}: {body}");
        return (await response.Content.ReadFromJsonAsync<TemplateDto>(OffersJson.Options))!;
    }

    /// <summary>
    /// Uploads the signed disk and then <paramref name="catalog"/> (or <see cref="Default"/>) to a template as an admin;
    /// asserts both were accepted.
    /// </summary>
    public static async Task<TemplateDto> UploadAsync(HttpClient admin, Guid templateId, VolumeSignatureCatalog? catalog = null)
    {
        await UploadDiskAsync(admin, templateId);
        var response = await admin.PostAsync($"/api/admin/v1/templates/{templateId}/vsc", Form((catalog ?? Default).ToArray()));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 for the catalog upload, got {(int)response.StatusCode}: {body}");
        var template = (await response.Content.ReadFromJsonAsync<TemplateDto>(OffersJson.Options))!;
        Assert.True(template.IsShieldingCapable);
        return template;
    }
}
