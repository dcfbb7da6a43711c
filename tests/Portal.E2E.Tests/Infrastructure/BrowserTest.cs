using Microsoft.Playwright;

namespace Portal.E2E.Tests.Infrastructure;

/// <summary>Gives each test a fresh browser context (no cookies) and page on the class's shared portal.</summary>
public abstract class BrowserTest : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    static BrowserTest()
    {
        // Two cores run the server, the circuit and Chromium together; 5 s is tight for a first render.
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    protected BrowserTest(PortalFixture portal) => Portal = portal;

    protected PortalFixture Portal { get; }

    protected IPage Page { get; private set; } = default!;

    public async Task InitializeAsync() => Page = await NewPageAsync();

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }

    /// <summary>A page in a context of its own: another person at another computer.</summary>
    protected async Task<IPage> NewPageAsync()
    {
        var context = await Portal.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Portal.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    protected static async Task SaveScreenshotAsync(IPage page, string fileName)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, fileName), FullPage = true });
    }
}
