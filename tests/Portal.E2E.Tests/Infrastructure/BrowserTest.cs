using Microsoft.Playwright;

namespace Portal.E2E.Tests.Infrastructure;

/// <summary>Gives each test a fresh browser context (no cookies) and page on the class's shared portal.</summary>
public abstract class BrowserTest : IAsyncLifetime
{
    // Reported from the page itself: the listener is injected by the browser driver, which the page's CSP does not govern.
    private const string ReportCspViolations = """
        document.addEventListener('securitypolicyviolation', e => console.error(
            `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`));
        """;

    private readonly List<IBrowserContext> _contexts = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _cspViolations = new();

    static BrowserTest()
    {
        // Two cores run the server, the circuit and Chromium together; 5 s is tight for a first render.
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    protected BrowserTest(PortalFixtureBase portal) => Portal = portal;

    protected PortalFixtureBase Portal { get; }

    protected IPage Page { get; private set; } = default!;

    /// <summary>Pages of this test ignore the portal's Content-Security-Policy (for tests of what the policy would mask).</summary>
    protected virtual bool BypassCsp => false;

    /// <summary>Every Content-Security-Policy violation any page of this test reported so far.</summary>
    protected IReadOnlyCollection<string> CspViolations => _cspViolations;

    public async Task InitializeAsync() => Page = await NewPageAsync();

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }

    /// <summary>A page in a context of its own: another person at another computer.</summary>
    /// <param name="address">Where the page's portal is; the fixture's by default.</param>
    protected async Task<IPage> NewPageAsync(Uri? address = null)
    {
        address ??= Portal.BaseAddress;
        var context = await Portal.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            BypassCSP = BypassCsp,
        });
        _contexts.Add(context);
        await context.AddInitScriptAsync(ReportCspViolations);
        context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)
                || message.Text.StartsWith("CSP violation", StringComparison.Ordinal))
            {
                _cspViolations.Enqueue(message.Text);
            }
        };

        // The portal must work with no internet (and under a strict CSP): anything fetched from another origin fails
        // here exactly as it would in an isolated data centre, instead of passing only on machines that are online.
        var origin = address.GetLeftPart(UriPartial.Authority);
        await context.RouteAsync(
            url => !url.StartsWith(origin, StringComparison.OrdinalIgnoreCase),
            route => route.AbortAsync("blockedbyclient"));
        return await context.NewPageAsync();
    }

    protected static async Task SaveScreenshotAsync(IPage page, string fileName)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        // The layout scrolls inside its content area, so FullPage alone captures one screen: grow the window to fit.
        var size = page.ViewportSize;
        var height = await page.EvaluateAsync<int>("() => Math.ceil(document.querySelector('main')?.getBoundingClientRect().height ?? 0)");
        const int header = 64;
        if (size is not null && height + header > size.Height)
        {
            await page.SetViewportSizeAsync(size.Width, height + header);
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, fileName), FullPage = true });
        if (size is not null)
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
        }
    }
}
