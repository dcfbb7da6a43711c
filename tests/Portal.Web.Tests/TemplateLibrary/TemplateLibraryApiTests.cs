using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Gallery;
using Portal.Web.Features.Account;
using Portal.Web.Features.Gallery;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.TemplateLibrary;

public sealed class TemplateLibraryApiTests(FabricTestApp app) : IClassFixture<FabricTestApp>
{
    private string LibraryFolder => app.WithoutHgs.LibraryFolder;

    [Fact]
    public async Task UploadDisk_RecordsHashAndSize_StoresTheFileByHash_AndIsAudited()
    {
        var admin = await app.AdminAsync();
        var template = await CreateTemplateAsync(admin);
        var disk = RandomDisk(300_000);

        var response = await admin.PutAsync($"/api/admin/v1/templates/{template.Id}/disk", Streamed(disk));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = (await response.Content.ReadFromJsonAsync<TemplateDto>(OffersJson.Options))!;
        var hash = Convert.ToHexString(SHA384.HashData(disk));
        Assert.Equal(hash, updated.DiskSha384);
        Assert.Equal(disk.Length, updated.DiskFileBytes);
        Assert.Equal(disk, await File.ReadAllBytesAsync(Path.Combine(LibraryFolder, hash + ".disk")));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(
            a => a.Action == "template.disk-uploaded" && a.Target.Contains(template.Id.ToString()))));
        Assert.Empty(Directory.GetFiles(LibraryFolder, "*.upload"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UploadDisk_OverTheLimit_Returns413_StoresNothing_AndLeavesNoTemporaryFile(bool declaresLength)
    {
        await using var small = app.App.WithWebHostBuilder(b => b.UseSetting("Library:MaxDiskBytes", "65536"));
        var admin = await AdminOfAsync(small);
        var template = await CreateTemplateAsync(admin);
        var disk = RandomDisk(200_000);
        var before = Directory.Exists(LibraryFolder) ? Directory.GetFiles(LibraryFolder).Length : 0;

        var response = await admin.PutAsync($"/api/admin/v1/templates/{template.Id}/disk",
            declaresLength ? Streamed(disk) : new UnknownLengthContent(disk));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        var after = await admin.GetFromJsonAsync<TemplateDto>($"/api/admin/v1/templates/{template.Id}", OffersJson.Options);
        Assert.Null(after!.DiskSha384);
        Assert.Equal(before, Directory.Exists(LibraryFolder) ? Directory.GetFiles(LibraryFolder).Length : 0);
        Assert.False(File.Exists(Path.Combine(LibraryFolder, Convert.ToHexString(SHA384.HashData(disk)) + ".disk")));
    }

    [Fact]
    public async Task UploadDisk_ByATenantOrAnonymous_IsRefused_AndUnknownTemplateIs404()
    {
        var admin = await app.AdminAsync();
        var template = await CreateTemplateAsync(admin);
        var tenant = await app.TenantAsync();

        var byTenant = await tenant.PutAsync($"/api/admin/v1/templates/{template.Id}/disk", Streamed(RandomDisk(10)));
        var anonymous = await app.Anonymous().PutAsync($"/api/admin/v1/templates/{template.Id}/disk", Streamed(RandomDisk(10)));
        var unknown = await admin.PutAsync($"/api/admin/v1/templates/{Guid.NewGuid()}/disk", Streamed(RandomDisk(10)));

        Assert.Equal(HttpStatusCode.Forbidden, byTenant.StatusCode);
        Assert.Contains(anonymous.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Redirect, HttpStatusCode.Found });
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UploadDisk_OtherThanTheDiskTheCatalogSigns_Returns409_AndKeepsTheSignedDisk()
    {
        var admin = await app.AdminAsync();
        var template = await CreateTemplateAsync(admin);
        var signed = await SignedCatalogs.UploadAsync(admin, template.Id);
        var other = RandomDisk(1000);

        var response = await admin.PutAsync($"/api/admin/v1/templates/{template.Id}/disk", Streamed(other));

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
        var after = await admin.GetFromJsonAsync<TemplateDto>($"/api/admin/v1/templates/{template.Id}", OffersJson.Options);
        Assert.Equal(signed.DiskSha384, after!.DiskSha384);
        Assert.True(after.IsShieldingCapable);
        Assert.False(File.Exists(Path.Combine(LibraryFolder, Convert.ToHexString(SHA384.HashData(other)) + ".disk")));
    }

    [Fact]
    public async Task UploadCatalog_AfterTheMatchingDisk_IsAccepted()
    {
        var admin = await app.AdminAsync();
        var template = await CreateTemplateAsync(admin);

        var signed = await SignedCatalogs.UploadAsync(admin, template.Id);

        Assert.True(signed.IsShieldingCapable);
        Assert.Equal(SignedCatalogs.Default.DiskHashHex, signed.DiskSha384);
    }

    [Fact]
    public async Task FetchDisk_WithoutHostCredential_Returns401_AndAsAnAdminToo()
    {
        var admin = await app.AdminAsync();
        var hash = await UploadedDiskAsync(admin, RandomDisk(5000));

        var anonymous = await app.Anonymous().GetAsync($"{FabricRoutes.TemplateDisks}/{hash}");
        var byAdmin = await admin.GetAsync($"{FabricRoutes.TemplateDisks}/{hash}");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains(byAdmin.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
    }

    [Fact]
    public async Task FetchDisk_AsAHost_ReturnsTheSameBytes_AndARangeReturns206WithThatSlice()
    {
        var admin = await app.AdminAsync();
        var disk = RandomDisk(250_000);
        var hash = await UploadedDiskAsync(admin, disk);
        var agent = await TestAgent.JoinedAsync(app, admin);

        var whole = await agent.Client.GetAsync($"{FabricRoutes.TemplateDisks}/{hash.ToLowerInvariant()}");
        var request = new HttpRequestMessage(HttpMethod.Get, $"{FabricRoutes.TemplateDisks}/{hash}");
        request.Headers.Range = new RangeHeaderValue(100_000, null);
        var rest = await agent.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(disk, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{hash}\"", whole.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.PartialContent, rest.StatusCode);
        Assert.Equal(disk[100_000..], await rest.Content.ReadAsByteArrayAsync());
        Assert.Equal(100_000, rest.Content.Headers.ContentRange?.From);
    }

    [Fact]
    public async Task FetchDisk_UnknownOrMalformedHash_Returns404_AndAFileNoTemplateUsesIsNotServed()
    {
        var admin = await app.AdminAsync();
        var agent = await TestAgent.JoinedAsync(app, admin);
        var stray = RandomDisk(100);
        var strayHash = Convert.ToHexString(SHA384.HashData(stray));
        Directory.CreateDirectory(LibraryFolder);
        await File.WriteAllBytesAsync(Path.Combine(LibraryFolder, strayHash + ".disk"), stray);

        await (await agent.Client.GetAsync($"{FabricRoutes.TemplateDisks}/{new string('0', 96)}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await agent.Client.GetAsync($"{FabricRoutes.TemplateDisks}/..%2F..%2Fetc%2Fpasswd")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await agent.Client.GetAsync($"{FabricRoutes.TemplateDisks}/{strayHash}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<string> UploadedDiskAsync(HttpClient admin, byte[] disk)
    {
        var template = await CreateTemplateAsync(admin);
        return (await SignedCatalogs.UploadDiskAsync(admin, template.Id, disk)).DiskSha384!;
    }

    private static async Task<TemplateDto> CreateTemplateAsync(HttpClient admin) =>
        await OffersApi.CreatedAsync<TemplateDto>(await admin.PostAsJsonAsync("/api/admin/v1/templates", new TemplateRequest(
            OffersApi.Unique("Library"), OsFamily.Linux, "24.04", 2, SignedCatalogs.DiskFileName, 40, null, null)));

    private static async Task<HttpClient> AdminOfAsync(WebApplicationFactory<Program> portal)
    {
        var anonymous = portal.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token",
            new TokenRequest(PortalWebFactory.AdminEmail, PortalWebFactory.AdminPassword));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<SessionTokenResponse>())!;
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return client;
    }

    private static byte[] RandomDisk(int length) => RandomNumberGenerator.GetBytes(length);

    private static HttpContent Streamed(byte[] disk)
    {
        var content = new StreamContent(new MemoryStream(disk));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>A body sent chunked, without Content-Length: the limit must hold while it streams.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < _bytes.Length; offset += 16 * 1024)
            {
                await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(16 * 1024, _bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
