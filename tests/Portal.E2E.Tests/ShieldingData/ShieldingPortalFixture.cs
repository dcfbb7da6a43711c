using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;

namespace Portal.E2E.Tests.ShieldingData;

/// <summary>
/// A portal whose fabric has a guardian (made with the command-line tool, as a provider would), one Chromium, and a
/// scratch folder standing in for the tenant's own machine.
/// </summary>
public sealed class ShieldingPortalFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly TestDatabase _database = TestDatabase.CreateName();
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"portal-e2e-{Guid.NewGuid():N}");
    private PortalAppFactory? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>The provider's machine: the fabric guardian (private key stays here, never in the portal) and disks.</summary>
    public Tool Provider { get; } = new("provider");

    public async Task InitializeAsync()
    {
        Provider.Run("guardian", "new", "--name", "Contoso fabric", "--out", Provider.PathOf("fabric.guardian.json"));
        Provider.Run("guardian", "export", "--guardian", Provider.PathOf("fabric.guardian.json"), "--out", Provider.PathOf("fabric.metadata.json"));

        _app = new PortalAppFactory(new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = _database.ConnectionString,
            ["Database:MigrateOnStart"] = "true",
            ["Portal:Bootstrap:AdminEmail"] = PortalFixture.AdminEmail,
            ["Portal:Bootstrap:AdminPassword"] = PortalFixture.AdminPassword,
            ["Portal:DataFolder"] = _dataFolder,
            ["Fabric:GuardianMetadataFile"] = Provider.PathOf("fabric.metadata.json"),
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

    /// <summary>The provider's API client (bearer token of the bootstrap admin), for setting up the gallery.</summary>
    public async Task<HttpClient> AdminApiAsync()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = PortalFixture.AdminEmail, password = PortalFixture.AdminPassword });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenAnswer>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
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
        Provider.Dispose();
        if (Directory.Exists(_dataFolder))
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
    }

    private sealed record TokenAnswer(string AccessToken);
}
