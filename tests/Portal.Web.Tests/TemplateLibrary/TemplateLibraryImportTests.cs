using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Gallery;
using Portal.Data;
using Portal.Testing;
using Portal.Web.Features.Gallery;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.TemplateLibrary;

public sealed class TemplateLibraryImportTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>, IDisposable
{
    private readonly string _importFolder = Directory.CreateTempSubdirectory("portal-import-").FullName;

    public void Dispose() => Directory.Delete(_importFolder, recursive: true);

    [Fact]
    public async Task ImportFolder_AttachesTheNamedFileToTemplatesWithoutADisk_AndLeavesOthersAlone()
    {
        var api = await OffersApi.SignInAsync(factory);
        var waiting = await CreateAsync(api, "import-a.disk");
        var missing = await CreateAsync(api, "not-in-the-folder.disk");
        var uploaded = await CreateAsync(api, "import-b.disk");
        var uploadedDisk = await SignedCatalogs.UploadDiskAsync(api.Admin, uploaded.Id, RandomNumberGenerator.GetBytes(1000));
        var disk = RandomNumberGenerator.GetBytes(200_000);
        await File.WriteAllBytesAsync(Path.Combine(_importFolder, "import-a.disk"), disk);
        await File.WriteAllBytesAsync(Path.Combine(_importFolder, "import-b.disk"), RandomNumberGenerator.GetBytes(500));

        await using var restarted = factory.WithWebHostBuilder(b => b.UseSetting("Library:ImportFolder", _importFolder));
        var imported = await WaitForDiskAsync(restarted.Services, waiting.Id);

        Assert.Equal(Convert.ToHexString(SHA384.HashData(disk)), imported.DiskSha384);
        Assert.Equal(disk.Length, imported.DiskFileBytes);
        Assert.Equal(disk, await File.ReadAllBytesAsync(Path.Combine(factory.LibraryFolder, imported.DiskSha384 + ".disk")));
        var others = await factory.WithDbAsync(db => db.VmTemplates.AsNoTracking()
            .Where(t => t.Id == missing.Id || t.Id == uploaded.Id).ToDictionaryAsync(t => t.Id));
        Assert.Null(others[missing.Id].DiskSha384);
        Assert.Equal(uploadedDisk.DiskSha384, others[uploaded.Id].DiskSha384);
    }

    private static async Task<TemplateDto> CreateAsync(OffersApi api, string diskFileName) =>
        await OffersApi.CreatedAsync<TemplateDto>(await api.Admin.PostAsJsonAsync("/api/admin/v1/templates", new TemplateRequest(
            OffersApi.Unique("Import"), OsFamily.Linux, "24.04", 2, diskFileName, 10, null, null)));

    private static Task<VmTemplate> WaitForDiskAsync(IServiceProvider services, Guid templateId)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        return Eventually.ValueAsync(
            async () =>
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                return await db.VmTemplates.AsNoTracking().SingleAsync(t => t.Id == templateId);
            },
            t => t.HasDisk, "the import to attach the disk", TimeSpan.FromSeconds(30), t => $"template {t.Name} without a disk");
    }
}
