using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Keys;
using Portal.HostGuardian.Tests.Infrastructure;

namespace Portal.HostGuardian.Tests;

public sealed class StartupAndStoreTests
{
    [Fact]
    public async Task MissingMasterKey_OutsideDevelopment_RefusesToStart()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => StartBareAsync(masterKey: null));

        Assert.Contains("refuses to start without a master key", refused.Message);
        Assert.Contains("Hgs:MasterKey", refused.Message);
    }

    [Fact]
    public async Task MasterKeyOfWrongLength_RefusesToStart()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(
            () => StartBareAsync(masterKey: Convert.ToBase64String(new byte[16])));

        Assert.Contains("exactly 32 random bytes", refused.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task MissingAdminKey_OutsideDevelopment_RefusesToStart(string? adminKey)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(
            () => StartBareAsync(masterKey: Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), adminKey: adminKey));

        Assert.Contains("refuses to start without an admin API key", refused.Message);
        Assert.Contains("Hgs:AdminApiKey", refused.Message);
    }

    [Fact]
    public async Task ShortAdminKey_RefusesToStart()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(
            () => StartBareAsync(masterKey: Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), adminKey: "short"));

        Assert.Contains("at least 16 characters", refused.Message);
    }

    [Fact]
    public async Task MissingAdminKey_InDevelopment_StartsWithTheAdminApiDisabled()
    {
        using var hgs = new HgsTestHost(s => s["Hgs:AdminApiKey"] = null, environment: "Development");

        using var guardian = await hgs.CreateClient().GetAsync(HgsRoutes.Guardian);
        using var admin = await hgs.CreateAdminClient().GetAsync($"{HgsRoutes.Admin}/hosts");

        Assert.Equal(HttpStatusCode.OK, guardian.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
    }

    [Fact]
    public async Task MissingMasterKey_InDevelopment_GeneratesAndPersistsOne()
    {
        using var hgs = new HgsTestHost(s => s["Hgs:MasterKey"] = null, environment: "Development");

        using var response = await hgs.CreateClient().GetAsync(HgsRoutes.Guardian);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(32, Convert.FromBase64String(await File.ReadAllTextAsync(Path.Combine(hgs.DataFolder, "master.key"))).Length);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Store_OnDisk_IsReadableByHgsUserOnly()
    {
        using var hgs = new HgsTestHost();
        using var response = await hgs.CreateClient().GetAsync(HgsRoutes.Guardian);
        response.EnsureSuccessStatusCode();

        var files = Directory.GetFiles(hgs.DataFolder);

        Assert.Contains(Path.Combine(hgs.DataFolder, "hgs.db"), files);
        Assert.All(files, file => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
    }

    [Fact]
    public async Task Store_OnDisk_DoesNotHoldTheGuardianPrivateKeysInClear()
    {
        using var hgs = new HgsTestHost();
        var metadata = GuardianMetadata.Parse(await hgs.CreateClient().GetByteArrayAsync(HgsRoutes.Guardian));
        var keys = hgs.Services.GetRequiredService<HgsKeys>();
        Assert.Equal(metadata, keys.FabricGuardian.PublicKeys);
        var keyFile = GuardianKeyFile.Write(keys.FabricGuardian, passphrase: null);
        var secrets = PemBodies(keyFile).ToList();
        Assert.Equal(2, secrets.Count);
        SqliteConnection.ClearAllPools();

        var stored = Directory.GetFiles(hgs.DataFolder).Select(File.ReadAllBytes).ToList();

        Assert.Contains(stored, bytes => bytes.Length > 0);
        foreach (var bytes in stored)
        {
            Assert.False(Contains(bytes, Encoding.ASCII.GetBytes("PRIVATE KEY")), "a PEM private key is in HGS's store");
            foreach (var der in secrets)
            {
                Assert.False(Contains(bytes, der), "a guardian private key (PKCS#8 DER) is in HGS's store in clear");
                Assert.False(Contains(bytes, Encoding.ASCII.GetBytes(Convert.ToBase64String(der)[..64])), "a guardian private key (base64) is in HGS's store in clear");
            }
        }
    }

    [Fact]
    public async Task Store_OpenedWithAnotherMasterKey_RefusesToStart()
    {
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        string dataFolder;
        using (var first = new HgsTestHost(s => s["Hgs:MasterKey"] = masterKey))
        {
            dataFolder = first.DataFolder;
            await first.CreateClient().GetAsync(HgsRoutes.Guardian);
            CopyFolder(dataFolder, dataFolder + "-copy");
        }

        using var second = new HgsTestHost(s => s["Hgs:DataFolder"] = dataFolder + "-copy");

        var refused = Assert.ThrowsAny<Exception>(() => second.CreateClient());
        Assert.Contains("does not open with this master key", refused.ToString());
    }

    [Fact]
    public async Task AdminApi_WithoutOrWithWrongKey_Is401()
    {
        using var hgs = new HgsTestHost();
        var anonymous = hgs.CreateClient();
        var wrong = hgs.CreateClient();
        wrong.DefaultRequestHeaders.Add(HgsRoutes.AdminKeyHeader, "not-the-admin-key-at-all");

        using var noKey = await anonymous.GetAsync($"{HgsRoutes.Admin}/hosts");
        using var wrongKey = await wrong.GetAsync($"{HgsRoutes.Admin}/hosts");
        using var rightKey = await hgs.CreateAdminClient().GetAsync($"{HgsRoutes.Admin}/hosts");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightKey.StatusCode);
    }

    [Fact]
    public async Task AdminApi_BadBaseline_IsValidationProblem()
    {
        using var hgs = new HgsTestHost();

        using var response = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(
            hgs.CreateAdminClient(), $"{HgsRoutes.Admin}/baselines", new TpmBaselineRequest("bad", [new PcrValue(0, new byte[5])]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pcrs", await response.Content.ReadAsStringAsync());
    }

    /// <summary>The PKCS#8 DER of each private key in a guardian key file (JSON with two PEM strings).</summary>
    private static IEnumerable<byte[]> PemBodies(string keyFile)
    {
        using var json = System.Text.Json.JsonDocument.Parse(keyFile);
        foreach (var property in new[] { "signingKey", "encryptionKey" })
        {
            var pem = json.RootElement.GetProperty(property).GetString()!;
            var fields = PemEncoding.Find(pem);
            yield return Convert.FromBase64String(pem[fields.Base64Data]);
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>
    /// Starts HGS's registrations in a plain Production host. (Through WebApplicationFactory a start-up failure can
    /// surface as ObjectDisposedException, depending on which thread loses the race; a plain host shows the real one.)
    /// </summary>
    private static async Task StartBareAsync(string? masterKey, string? adminKey = HgsTestHost.AdminKey)
    {
        var dataFolder = Directory.CreateTempSubdirectory("hgs-bare-").FullName;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hgs:DataFolder"] = dataFolder,
                ["Hgs:MasterKey"] = masterKey,
                ["Hgs:AdminApiKey"] = adminKey,
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.AddHostGuardianService();
            await using var app = builder.Build();
            await app.StartAsync();
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(dataFolder, recursive: true);
        }
    }
}
