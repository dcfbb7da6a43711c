using System.Net;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Portal.Testing;
using Portal.Web.Features.Account;
using Portal.Web.Features.DemoOffer;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Security;

/// <summary>
/// The Data Protection key ring (the keys behind sign-in cookies) is stored encrypted with a certificate that lives
/// outside the database; the embedded database and generated keys are files only the portal's user can read.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyRingTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>, IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"portal-keyring-{Guid.NewGuid():N}");

    [Fact]
    public async Task DataProtectionKeysTable_HoldsNoMasterKeyInClear()
    {
        await PortalSession.SignUpAsync(factory);

        var keys = await factory.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml ?? "").ToListAsync());

        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task PlaintextKeyLeftByAnOlderPortal_IsRemovedAtStart()
    {
        var plaintext = await factory.WithDbAsync(async db =>
        {
            var key = new DataProtectionKey
            {
                FriendlyName = $"key-{Guid.NewGuid()}",
                Xml = "<key id=\"00000000-0000-0000-0000-000000000001\" version=\"1\"><descriptor><descriptor>"
                    + "<masterKey p4:requiresEncryption=\"true\" xmlns:p4=\"http://schemas.asp.net/2015/03/dataProtection\">"
                    + "<value>AAAA</value></masterKey></descriptor></descriptor></key>",
            };
            db.DataProtectionKeys.Add(key);
            await db.SaveChangesAsync();
            return key.FriendlyName;
        });

        using var second = factory.SecondInstance();
        _ = second.Server;

        Assert.False(await factory.WithDbAsync(db => db.DataProtectionKeys.AnyAsync(k => k.FriendlyName == plaintext)));
    }

    [Fact]
    public async Task PostgreSqlInProduction_WithoutCertificate_StopsStartupNamingTheSetting()
    {
        await using var database = PostgresTestDatabase.New("keyring");
        await using var portal = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Database:Provider", "Postgres");
            b.UseSetting("Database:ConnectionString", database.ConnectionString);
            b.UseSetting("Portal:DataFolder", _dataFolder);
        });

        var failure = Record.Exception(() => portal.Server);

        Assert.NotNull(failure);
        Assert.Contains("DataProtection:CertificateFile", failure.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dataFolder, KeyRingOptions.DefaultFileName)));
    }

    [Fact]
    public async Task EmbeddedDefault_CreatesDatabaseAndKeyFilesOwnerOnly()
    {
        await using (var portal = new EmbeddedPortal(_dataFolder))
        {
            var session = portal.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/account/sign-in")).StatusCode);
        }

        var keyRing = Path.Combine(_dataFolder, KeyRingOptions.DefaultFileName);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(_dataFolder, "portal.db")));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(keyRing));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(ProviderSigningKey.PathIn(_dataFolder)));
        Assert.All(Directory.GetFiles(_dataFolder, "portal.db*"), f => Assert.Equal(OwnerOnly, File.GetUnixFileMode(f)));
    }

    [Fact]
    public async Task EmbeddedDefault_TightensAWorldReadableDatabaseFile()
    {
        Directory.CreateDirectory(_dataFolder);
        var file = Path.Combine(_dataFolder, "portal.db");
        await File.WriteAllBytesAsync(file, []);
        File.SetUnixFileMode(file, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using (var portal = new EmbeddedPortal(_dataFolder))
        {
            _ = portal.Server;
        }

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataFolder))
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
    }

    private sealed class EmbeddedPortal(string dataFolder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("Portal:DataFolder", dataFolder);
            builder.UseSetting("Portal:Bootstrap:AdminPassword", PortalWebFactory.AdminPassword);
            builder.UseSetting("Portal:SeedDemoOffer", "true");
            builder.UseSetting("Fabric:SimulatedHosts:Count", "0");
            builder.UseSetting("Fabric:GuardianMetadataFile", TestFabric.MetadataFile);
        }
    }
}
