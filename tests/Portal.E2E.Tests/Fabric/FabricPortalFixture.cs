using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.Web.Features.Account;

namespace Portal.E2E.Tests.Fabric;

/// <summary>
/// A portal (own database, own Kestrel port) whose HGS attestation signer is a key this fixture holds, so tests can act
/// as guarded hosts over the agent API with real health certificates; plus one headless Chromium.
/// </summary>
public sealed class FabricPortalFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly TestDatabase _database = TestDatabase.CreateName();
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"portal-e2e-fabric-{Guid.NewGuid():N}");
    private PortalAppFactory? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public ECDsa Signer { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        _app = new PortalAppFactory(new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = _database.ConnectionString,
            ["Database:MigrateOnStart"] = "true",
            ["Portal:Bootstrap:AdminEmail"] = PortalFixture.AdminEmail,
            ["Portal:Bootstrap:AdminPassword"] = PortalFixture.AdminPassword,
            ["Portal:DataFolder"] = _dataFolder,
            ["Fabric:AttestationSignerKey"] = Convert.ToBase64String(Signer.ExportSubjectPublicKeyInfo()),
            ["Fabric:SimulatedHosts:Count"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        BaseAddress = _app.Start();

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>The provider admin as an API client.</summary>
    public async Task<HttpClient> AdminApiAsync()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(PortalFixture.AdminEmail, PortalFixture.AdminPassword));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<SessionTokenResponse>())!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _database.DropAsync();
        Signer.Dispose();
        if (Directory.Exists(_dataFolder))
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
    }
}
