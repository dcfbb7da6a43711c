using Microsoft.Playwright;

namespace Portal.E2E.Tests.Infrastructure;

/// <summary>
/// One portal (own database, own Kestrel port) and one headless Chromium per test class;
/// every test opens its own browser context, so cookies never leak between tests.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string AdminEmail = "provider-admin@e2e.test";
    public const string AdminPassword = "E2e-Provider-Admin-42";

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

    public async Task InitializeAsync()
    {
        _app = new PortalAppFactory(new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = _database.ConnectionString,
            ["Database:MigrateOnStart"] = "true",
            ["Portal:Bootstrap:AdminEmail"] = AdminEmail,
            ["Portal:Bootstrap:AdminPassword"] = AdminPassword,
            ["Portal:DataFolder"] = _dataFolder,
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
        if (Directory.Exists(_dataFolder))
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
    }
}
