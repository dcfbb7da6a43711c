using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace Portal.Bench;

/// <summary>The pages one phase opened, in their browser contexts, and why it stopped short of its count, if it did.</summary>
public sealed class PageGroup(IReadOnlyList<IBrowserContext> contexts, IReadOnlyList<IPage> pages, int failed, string? stoppedBecause)
{
    public IReadOnlyList<IPage> Pages => pages;

    public int Failed => failed;

    public string? StoppedBecause => stoppedBecause;

    public async Task CloseAsync()
    {
        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }
    }
}

/// <summary>
/// One headless Debian Chromium (never a downloaded browser) for many pages. A browser context is a profile of its
/// own (its own renderer processes and socket pools, and Chromium allows about 255 WebSockets per profile), so pages
/// go <see cref="PagesPerContext"/> to a context and share that context's renderer processes
/// (<c>--renderer-process-limit</c>: same-site pages then share a process instead of one process each).
/// </summary>
public sealed class BenchBrowser : IAsyncDisposable
{
    public const int PagesPerContext = 200;

    /// <summary>Pages loading at once: enough to keep 2 cores busy, few enough that none waits for minutes.</summary>
    private const int OpenAtOnce = 4;

    /// <summary>Opening stops while the machine has less than this available: it is shared with other work.</summary>
    public const long MinAvailableBytes = 4L * 1024 * 1024 * 1024;

    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--disable-extensions",
        "--renderer-process-limit=12",
        // Every page must keep its circuit and run its updates as a visible tab would.
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BenchBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Chromium's version, e.g. 143.0.7499.169.</summary>
    public string Version => _browser.Version;

    public static async Task<BenchBrowser> LaunchAsync()
    {
        // Two cores run the servers and Chromium together: a page under load takes far longer than a test's default.
        Assertions.SetDefaultExpectTimeout(120_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = Args,
        });
        return new BenchBrowser(playwright, browser);
    }

    /// <summary>
    /// Opens up to <paramref name="count"/> pages on <paramref name="address"/>, each made ready by <paramref name="open"/>;
    /// stops early when the machine runs low on memory, the time budget is spent, or pages keep failing.
    /// <paramref name="signIn"/>, if any, runs once per context before its pages open: its cookie serves them all.
    /// </summary>
    public async Task<PageGroup> OpenAsync(
        string what, int count, Uri address, Func<IPage, Task>? signIn, Func<IPage, Task> open, TimeSpan budget, CancellationToken ct)
    {
        var contexts = new List<IBrowserContext>();
        var pages = new List<IPage>();
        var failed = 0;
        string? stopped = null;
        var clock = Stopwatch.StartNew();
        while (pages.Count < count && stopped is null)
        {
            var context = await _browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = address.ToString(),
                ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            });
            contexts.Add(context);
            if (signIn is not null)
            {
                var first = await context.NewPageAsync();
                await signIn(first);
                await first.CloseAsync();
            }

            var inContext = 0;
            while (inContext < PagesPerContext && pages.Count < count)
            {
                ct.ThrowIfCancellationRequested();
                stopped = StopReason(clock.Elapsed, budget, failed);
                if (stopped is not null)
                {
                    break;
                }

                var batch = Math.Min(OpenAtOnce, Math.Min(PagesPerContext - inContext, count - pages.Count));
                var opened = await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => OpenOneAsync(context, open)));
                pages.AddRange(opened.OfType<IPage>());
                failed += opened.Count(p => p is null);
                inContext += batch;
                if (pages.Count % 100 < batch)
                {
                    Progress(Invariant($"  {what}: {pages.Count} pages open ({clock.Elapsed.TotalSeconds:0} s, {ProcessMemory.AvailableBytes() / (1 << 20):N0} MiB available)"));
                }
            }
        }

        return new PageGroup(contexts, pages, failed, stopped);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }

    private static string? StopReason(TimeSpan elapsed, TimeSpan budget, int failed)
    {
        var available = ProcessMemory.AvailableBytes();
        if (available < MinAvailableBytes)
        {
            return Invariant($"the machine had {available / (1 << 20):N0} MiB available (the floor is {MinAvailableBytes / (1 << 20):N0} MiB)");
        }

        if (elapsed > budget)
        {
            return Invariant($"opening took longer than its budget of {budget.TotalMinutes:0} min");
        }

        return failed > 10 ? Invariant($"{failed} pages failed to open") : null;
    }

    private static async Task<IPage?> OpenOneAsync(IBrowserContext context, Func<IPage, Task> open)
    {
        var page = await context.NewPageAsync();
        try
        {
            await open(page);
            return page;
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            Progress($"  a page failed to open: {e.Message.Split('\n')[0]}");
            await page.CloseAsync();
            return null;
        }
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
