using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.HostGuardian;

namespace Portal.E2E.Tests.HostGuardian;

/// <summary>The standalone Host Guardian Service on a real Kestrel port (own data folder, an admin key) and one headless Chromium.</summary>
public sealed class StandaloneHgsFixture : IAsyncLifetime
{
    public const string AdminKey = "e2e-hgs-admin-key-0123456789";

    private readonly string _dataFolder = Directory.CreateTempSubdirectory("hgs-e2e-").FullName;
    private HgsFactory? _app;
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        _app = new HgsFactory(new Dictionary<string, string>
        {
            ["Hgs:DataFolder"] = _dataFolder,
            ["Hgs:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Hgs:AdminApiKey"] = AdminKey,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        BaseAddress = new Uri(addresses.Addresses.Single());

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataFolder, recursive: true);
    }

    private sealed class HgsFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<GuardianProgram>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // The build output run as Production answers 500 for _framework/blazor.web.js.
            builder.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
