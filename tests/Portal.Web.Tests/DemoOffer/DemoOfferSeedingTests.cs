using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Plans;
using Portal.Core.Shielding.Catalogs;
using Portal.Data;
using Portal.Web.Features.DemoOffer;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.DemoOffer;

public sealed class DemoOfferSeedingTests : IDisposable
{
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"portal-demo-{Guid.NewGuid():N}");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataFolder))
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
    }

    [Fact]
    public async Task FreshEmbeddedPortal_SeedsAShieldingCapablePublicOffer_WhoseCatalogVerifiesTheLibraryDisk()
    {
        await using (var portal = Embedded())
        {
            await using var db = await DbAsync(portal);
            var template = await db.VmTemplates.AsNoTracking().SingleAsync();
            Assert.Equal(DemoOfferSeeder.TemplateName, template.Name);
            Assert.True(template.IsShieldingCapable);
            Assert.Equal(2, template.Generation);

            var disk = Path.Combine(_dataFolder, "library", template.DiskSha384 + ".disk");
            await using (var stream = File.OpenRead(disk))
            {
                var result = await VolumeSignatureCatalog.VerifyAsync(template.VscFile, stream);
                Assert.True(result.IsValid, result.Message);
            }

            var plan = await db.Plans.AsNoTracking().Include(p => p.TemplateOfferings).Include(p => p.HardwareProfileOfferings).SingleAsync();
            Assert.Equal(PlanState.Public, plan.State);
            Assert.True(plan.AllowShieldedVms);
            Assert.Equal(template.Id, Assert.Single(plan.TemplateOfferings).TemplateId);
            var size = await db.HardwareProfiles.AsNoTracking().SingleAsync();
            Assert.Equal((2, 4, 40), (size.Vcpus, size.MemoryGiB, size.DiskGiB));
            Assert.Equal(size.Id, Assert.Single(plan.HardwareProfileOfferings).HardwareProfileId);
        }

        var keyFile = Path.Combine(_dataFolder, ProviderSigningKey.FileName);
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        // The private key must not be anywhere in the database file.
        SqliteConnection.ClearAllPools();
        var pem = File.ReadAllText(keyFile);
        var keyBody = pem[(pem.IndexOf("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal) + 28)..][..60];
        foreach (var file in Directory.GetFiles(_dataFolder, "*.db*"))
        {
            Assert.DoesNotContain(keyBody, Encoding.ASCII.GetString(await File.ReadAllBytesAsync(file)));
        }
    }

    [Fact]
    public async Task SecondStart_SeedsNothingNew()
    {
        await using (var first = Embedded())
        {
            _ = first.Server;
        }

        await using var second = Embedded();
        await using var db = await DbAsync(second);

        Assert.Equal(1, await db.Plans.CountAsync());
        Assert.Equal(1, await db.VmTemplates.CountAsync());
        Assert.Equal(1, await db.HardwareProfiles.CountAsync());
        Assert.Single(Directory.GetFiles(Path.Combine(_dataFolder, "library")));
    }

    [Fact]
    public async Task SwitchedOff_SeedsNothing()
    {
        await using var portal = Embedded(seed: false);
        await using var db = await DbAsync(portal);

        Assert.False(await db.Plans.AnyAsync());
        Assert.False(await db.VmTemplates.AnyAsync());
        Assert.False(File.Exists(Path.Combine(_dataFolder, ProviderSigningKey.FileName)));
    }

    [Fact]
    public async Task PostgreSql_NeverSeeds_EvenWhenAskedTo()
    {
        var postgres = new PortalWebFactory();
        try
        {
            await using var portal = postgres.WithWebHostBuilder(b => b
                .UseSetting("Portal:SeedDemoOffer", "true")
                .UseSetting("Portal:DataFolder", _dataFolder));
            await using var db = await DbAsync(portal);

            Assert.False(await db.Plans.AnyAsync());
            Assert.False(await db.VmTemplates.AnyAsync());
            Assert.False(File.Exists(Path.Combine(_dataFolder, ProviderSigningKey.FileName)));
        }
        finally
        {
            await ((IAsyncLifetime)postgres).DisposeAsync();
        }
    }

    private WebApplicationFactory<Program> Embedded(bool? seed = null) => new EmbeddedPortal(_dataFolder, seed);

    private static async Task<PortalDbContext> DbAsync(WebApplicationFactory<Program> portal) =>
        await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    private sealed class EmbeddedPortal(string dataFolder, bool? seed) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("Portal:DataFolder", dataFolder);
            builder.UseSetting("Portal:Bootstrap:AdminPassword", PortalWebFactory.AdminPassword);
            builder.UseSetting("Fabric:SimulatedHosts:Count", "0");
            builder.UseSetting("Fabric:GuardianMetadataFile", TestFabric.MetadataFile);
            if (seed is { } value)
            {
                builder.UseSetting("Portal:SeedDemoOffer", value ? "true" : "false");
            }
        }
    }
}
