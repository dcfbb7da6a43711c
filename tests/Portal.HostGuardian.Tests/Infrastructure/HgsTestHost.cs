using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding.Guardians;
using Portal.Testing;

namespace Portal.HostGuardian.Tests.Infrastructure;

/// <summary>
/// HGS over a fresh temporary SQLite store, in Production (so the master-key rule is live) with a configured master
/// key, an admin key, the simulated hosts' policy seeded, and a fake clock shared with the test agents.
/// </summary>
public sealed class HgsTestHost : WebApplicationFactory<GuardianProgram>
{
    public const string AdminKey = "test-admin-key-0123456789";

    private readonly Dictionary<string, string?> _settings;

    public HgsTestHost(Action<Dictionary<string, string?>>? configure = null, string environment = "Production")
    {
        DataFolder = Directory.CreateTempSubdirectory("hgs-test-").FullName;
        Environment = environment;
        _settings = new Dictionary<string, string?>
        {
            ["Hgs:DataFolder"] = DataFolder,
            ["Hgs:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Hgs:AdminApiKey"] = AdminKey,
            ["Hgs:SeedSimulatedPolicy"] = "true",
            ["Hgs:CertificateLifetime"] = "00:10:00",
        };
        configure?.Invoke(_settings);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));

    public string DataFolder { get; }

    /// <summary>Every log line HGS wrote, at every level.</summary>
    public CapturedLogs Logs { get; } = new();

    public string Environment { get; }

    /// <summary>A client with the HGS admin key.</summary>
    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(HgsRoutes.AdminKeyHeader, AdminKey);
        return client;
    }

    public async Task<GuardianPublicKeys> FabricGuardianAsync()
    {
        var bytes = await CreateClient().GetByteArrayAsync(HgsRoutes.Guardian);
        return GuardianMetadata.Parse(bytes);
    }

    public async Task<AttestationSignerInfo> SignerAsync() =>
        (await CreateClient().GetFromJsonAsync<AttestationSignerInfo>(HgsRoutes.AttestationSigner))!;

    public async Task<RegisteredHostDto> RegisterAsync(RegisterHostRequest request)
    {
        using var response = await CreateAdminClient().PostAsJsonAsync($"{HgsRoutes.Admin}/hosts", request);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RegisteredHostDto>())!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataFolder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
