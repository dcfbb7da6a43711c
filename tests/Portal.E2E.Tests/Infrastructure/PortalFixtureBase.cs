using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Portal.Web.Features.Account;

namespace Portal.E2E.Tests.Infrastructure;

/// <summary>
/// One portal (own database, own data folder, own Kestrel port) and one headless Chromium per test class; every test
/// opens its own browser context, so cookies never leak between tests. Subclasses add the settings their portal needs.
/// </summary>
public abstract class PortalFixtureBase : IAsyncLifetime
{
    public const string AdminEmail = "provider-admin@e2e.test";
    public const string AdminPassword = "E2e-Provider-Admin-42";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly TestDatabase? _database;
    private PortalAppFactory? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <param name="postgres">False runs the portal as the embedded default does: on a SQLite file in its data folder.</param>
    protected PortalFixtureBase(bool postgres = true)
    {
        _database = postgres ? TestDatabase.CreateName() : null;
    }

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>The portal's PostgreSQL database, for tests that reach behind the portal (null on SQLite).</summary>
    public string? DatabaseConnectionString => _database?.ConnectionString;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    // Short enough for the unix sockets of QEMU VMs under {DataFolder}/hosts/host-N/vms/{id}/.
    protected string DataFolder { get; } = Path.Combine(Path.GetTempPath(), $"portal-e2e-{Guid.NewGuid().ToString("N")[..12]}");

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        var settings = new Dictionary<string, string>
        {
            ["Portal:Bootstrap:AdminEmail"] = AdminEmail,
            ["Portal:Bootstrap:AdminPassword"] = AdminPassword,
            ["Portal:DataFolder"] = DataFolder,
            ["Logging:LogLevel:Default"] = "Warning",

            // Every browser of the run signs in from 127.0.0.1.
            ["RateLimits:Credentials:PerAddressPermits"] = "100000",
            ["RateLimits:Credentials:PerAccountPermits"] = "100000",
        };
        if (_database is not null)
        {
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = _database.ConnectionString;
            settings["Database:MigrateOnStart"] = "true";
        }
        else
        {
            settings["Database:Provider"] = "Sqlite";

            // Tests make the offers they need; the embedded demo offer would only add rows they did not expect.
            settings["Portal:SeedDemoOffer"] = "false";
        }

        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }

        BaseAddress = await StartPortalAsync(settings);

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>The provider admin as an API client (a short-lived bearer token).</summary>
    public Task<HttpClient> AdminApiAsync() => AdminApiAsync(BaseAddress);

    protected static async Task<HttpClient> AdminApiAsync(Uri portal)
    {
        var client = new HttpClient { BaseAddress = portal };
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest(AdminEmail, AdminPassword));
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
        await StopPortalAsync();

        if (_database is not null)
        {
            await _database.DropAsync();
        }

        await CleanUpAsync();
        if (Directory.Exists(DataFolder))
        {
            Directory.Delete(DataFolder, recursive: true);
        }
    }

    /// <summary>Starts the portal (in this process unless overridden) and answers the address browsers open.</summary>
    protected virtual Task<Uri> StartPortalAsync(IReadOnlyDictionary<string, string> settings)
    {
        _app = new PortalAppFactory(settings);
        return Task.FromResult(_app.Start());
    }

    protected virtual async Task StopPortalAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Settings on top of the common ones.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings() => [];

    /// <summary>Work before the portal starts, e.g. files its settings point at.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    protected virtual Task CleanUpAsync() => Task.CompletedTask;
}
