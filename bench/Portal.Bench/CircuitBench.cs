using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Npgsql;

namespace Portal.Bench;

/// <summary>What one phase of the circuit benchmark measured: N pages of one kind opened, memory before and after.</summary>
public sealed record CircuitRow(
    string Page, int Asked, int Open, int Failed, int? ServerCircuits, MemorySnapshot Before, MemorySnapshot After,
    long ChromiumPssBefore, long ChromiumPssAfter, string? StoppedBecause)
{
    public double ManagedKbPerPage => Open == 0 ? double.NaN : (After.ManagedBytes - Before.ManagedBytes) / 1024.0 / Open;

    public double WorkingSetKbPerPage => Open == 0 ? double.NaN : (After.WorkingSetBytes - Before.WorkingSetBytes) / 1024.0 / Open;

    public double ChromiumMbPerPage => Open == 0 ? double.NaN : (ChromiumPssAfter - ChromiumPssBefore) / 1024.0 / 1024.0 / Open;
}

/// <summary>
/// B3: memory per open Blazor circuit, the portal's VM list (100 VMs) beside the framework template's Counter page,
/// both hosted in this process, opened in headless Chromium; then the VM list's update latency with its N pages open.
/// For each N: N plain pages (the hello endpoint, no circuit: what the bench's own browser driver keeps per page), N
/// template Counter pages, N portal VM list pages; each phase's managed heap and working set are taken before and
/// after (<see cref="ProcessMemory.Snapshot"/>), and its pages closed (their circuits gone) before the next phase.
/// </summary>
internal static class CircuitBench
{
    /// <summary>Bounds each phase's opening; the whole run is bounded by run.sh's 30 minutes.</summary>
    private static readonly TimeSpan OpenBudget = TimeSpan.FromMinutes(13);

    private const int PortalPoolSize = 40;

    private static readonly TimeSpan CircuitsSettle = TimeSpan.FromSeconds(120);

    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        var busyBefore = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        var loadBefore = MachineCpu.LoadAverage();
        if (busyBefore > 25)
        {
            Progress(Invariant($"warning: the machine is already {busyBefore:0}% busy; other work will skew the numbers"));
        }

        // The embedded apps print their start banners on stdout; stdout carries only the results, each N's as it ends
        // (run.sh stops the whole run after 30 minutes: what was measured by then is printed).
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        try
        {
            await RunRoundsAsync(options, stdout, Invariant($"CPU busy before start {busyBefore:0}%, load average {loadBefore}"), ct);
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var busyAfter = await MachineCpu.BusyPercentAsync(TimeSpan.FromSeconds(1), ct);
        Console.WriteLine(Invariant($"CPU busy at the end {busyAfter:0}%, load average {MachineCpu.LoadAverage()}"));
    }

    private static async Task RunRoundsAsync(BenchOptions options, TextWriter results, string machineLoad, CancellationToken ct)
    {
        var portalCircuits = new CircuitCount();
        var templateCircuits = new CircuitCount();
        Progress("starting the portal on a fresh database (migrations run now) and the Blazor template app");
        // Every open VM list reloads on each change, all at once: within the pool's bound, the reloads wait for a
        // connection instead of taking the last slots of a PostgreSQL server that other work shares (max_connections).
        var server = new NpgsqlConnectionStringBuilder(options.ServerConnectionString) { MaxPoolSize = PortalPoolSize }.ConnectionString;
        await using var portal = new BenchPortal(server, configure: portalCircuits.AddTo);
        var portalAddress = portal.Start();
        await using var template = new TemplateApp(templateCircuits);
        var templateAddress = template.Start();

        var setup = new PortalSetup(portalAddress);
        var offer = await setup.CreateOfferAsync(ct);
        var lister = await setup.CreateTenantAsync("lister", offer.PlanId, subscriptions: 1, ct);
        Progress($"creating the lister's {PortalScenarios.ListedVms} VMs");
        await setup.CreateVmsAsync(lister, offer, PortalScenarios.ListedVms, ct);
        using var tenantApi = new HttpClient { BaseAddress = portalAddress };
        tenantApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", lister.BearerToken);

        await using var browser = await BenchBrowser.LaunchAsync();
        Progress($"Chromium {browser.Version}; portal on {portalAddress}, template on {templateAddress}");
        results.WriteLine();
        results.WriteLine(Invariant(
            $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores ({MachineCpu.Model()}) · {RuntimeInformation.OSDescription} · .NET {Environment.Version} · Chromium {browser.Version} (headless) · server GC"));
        results.WriteLine(machineLoad);

        // First renders compile and cache what every later page reuses (JIT, components, EF Core queries): not per circuit.
        Progress("warm-up: one page of each kind, opened and closed before anything is measured");
        await (await browser.OpenAsync("warm-up", 1, portalAddress, null, page => page.GotoAsync(BenchPortal.HelloPath), OpenBudget, ct)).CloseAsync();
        await CloseAsync(await browser.OpenAsync("warm-up", 1, templateAddress, null, OpenCounterAsync, OpenBudget, ct), templateCircuits, ct);
        await CloseAsync(await browser.OpenAsync("warm-up", 1, portalAddress, page => SignInAsync(page, lister.Email), OpenVmListAsync, OpenBudget, ct),
            portalCircuits, ct);
        foreach (var n in options.CircuitCounts ?? [200, 2000])
        {
            var rows = new List<CircuitRow>();
            UpdateLatencies? latency = null;
            var (plain, plainPages) = await PhaseAsync(browser, "plain page, no circuit (GET /bench/hello)", n, portalAddress, null,
                page => page.GotoAsync(BenchPortal.HelloPath), null, ct);
            rows.Add(plain);
            await plainPages.CloseAsync();

            var (counter, counterPages) = await PhaseAsync(browser, "template: Counter page", n, templateAddress, null,
                OpenCounterAsync, templateCircuits, ct);
            rows.Add(counter);
            await CloseAsync(counterPages, templateCircuits, ct);

            var (vmList, vmListPages) = await PhaseAsync(browser, $"portal: VM list ({PortalScenarios.ListedVms} VMs)", n, portalAddress,
                page => SignInAsync(page, lister.Email), OpenVmListAsync, portalCircuits, ct);
            rows.Add(vmList);
            if (vmListPages.Pages.Count > 0)
            {
                Progress($"  update latency: {UpdateLatency.Changes} VM creations, {UpdateLatency.SampledPages} pages watched");
                latency = await UpdateLatency.MeasureAsync(vmListPages.Pages, tenantApi, offer, lister.SubscriptionIds[0], ct);
                Progress(Invariant(
                    $"  p50 {UpdateLatency.Percentile(latency.FromRequestMs, 0.5):0} ms, p95 {UpdateLatency.Percentile(latency.FromRequestMs, 0.95):0} ms from the request; {latency.NotShown} not shown"));
            }

            await CloseAsync(vmListPages, portalCircuits, ct);
            results.WriteLine();
            results.Write(Render(rows, latency));
            results.WriteLine(Invariant($"(N = {n} done at {DateTimeOffset.Now:HH:mm zzz}, load average {MachineCpu.LoadAverage()})"));
            await results.FlushAsync(ct);
        }
    }

    private static async Task<(CircuitRow Row, PageGroup Pages)> PhaseAsync(
        BenchBrowser browser, string what, int n, Uri address, Func<IPage, Task>? signIn, Func<IPage, Task> open,
        CircuitCount? circuits, CancellationToken ct)
    {
        Progress($"{what}: opening {n} pages");
        var before = ProcessMemory.Snapshot();
        var chromiumBefore = ProcessMemory.ChromiumPssBytes();
        var pages = await browser.OpenAsync(what, n, address, signIn, open, OpenBudget, ct);
        if (circuits is not null && !await circuits.WaitForAsync(pages.Pages.Count, CircuitsSettle, ct))
        {
            Progress($"  {circuits.Open} circuits open on the server for {pages.Pages.Count} pages");
        }

        var after = ProcessMemory.Snapshot();
        var row = new CircuitRow(what, n, pages.Pages.Count, pages.Failed, circuits?.Open, before, after,
            chromiumBefore, ProcessMemory.ChromiumPssBytes(), pages.StoppedBecause);
        Progress(Invariant(
            $"  {row.Open} open: {row.ManagedKbPerPage:N1} KB managed, {row.WorkingSetKbPerPage:N1} KB working set, {row.ChromiumMbPerPage:N2} MB Chromium per page{(row.StoppedBecause is { } why ? $"; stopped: {why}" : "")}"));
        return (row, pages);
    }

    private static async Task CloseAsync(PageGroup pages, CircuitCount circuits, CancellationToken ct)
    {
        await pages.CloseAsync();
        if (!await circuits.WaitForAsync(0, CircuitsSettle, ct))
        {
            throw new InvalidOperationException($"{circuits.Open} circuits still open two minutes after their pages closed.");
        }
    }

    private static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/sign-in");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(PortalSetup.TenantPassword);
        await page.Locator("#sign-in-submit").ClickAsync();
        await Assertions.Expect(page).Not.ToHaveURLAsync(new Regex("/account/sign-in"));
    }

    /// <summary>The VM list, interactive (the layout's marker) and showing the last of the tenant's VMs.</summary>
    private static async Task OpenVmListAsync(IPage page)
    {
        await page.GotoAsync("/vms");
        await Assertions.Expect(page.Locator("[data-interactive='true']")).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator($"[data-vm='listed-{PortalScenarios.ListedVms - 1:000}']")).ToBeAttachedAsync();
    }

    /// <summary>
    /// The template's Counter page, once a click counts: the template has no interactivity marker, and a click on the
    /// prerendered button before its circuit is up does nothing, so it clicks until the count moves.
    /// </summary>
    private static async Task OpenCounterAsync(IPage page)
    {
        await page.GotoAsync("/counter");
        var status = page.Locator("p[role='status']");
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("button", new PageLocatorOptions { HasText = "Click me" }).ClickAsync();
            try
            {
                await Assertions.Expect(status).ToHaveTextAsync(new Regex("Current count: [1-9]"), new LocatorAssertionsToHaveTextOptions { Timeout = 2_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 60)
            {
                // Not interactive yet: click again.
            }
        }
    }

    private static string Render(IReadOnlyList<CircuitRow> rows, UpdateLatencies? latency)
    {
        var text = new StringBuilder();
        text.AppendLine("| N asked | Page | open | circuits on server | managed heap Δ per page | working set Δ per page | Chromium PSS Δ per page | stopped early because |");
        text.AppendLine("|--:|---|--:|--:|--:|--:|--:|---|");
        foreach (var row in rows)
        {
            text.AppendLine(Invariant(
                $"| {row.Asked:N0} | {row.Page} | {row.Open:N0}{(row.Failed > 0 ? $" ({row.Failed} failed)" : "")} | {(row.ServerCircuits is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "—")} | {row.ManagedKbPerPage:N1} KB | {row.WorkingSetKbPerPage:N1} KB | {row.ChromiumMbPerPage:N2} MB | {row.StoppedBecause ?? "—"} |"));
        }

        text.AppendLine();
        text.AppendLine("| N asked | portal managed per circuit (net of plain page) | portal ÷ template working set per circuit (net of plain page) | update p50 / p95 ms from the request | from the API's answer | not shown in 60 s |");
        text.AppendLine("|--:|--:|--:|--:|--:|--:|");
        var (plain, counter, vmList) = (rows[0], rows[1], rows[2]);
        var managedNet = vmList.ManagedKbPerPage - plain.ManagedKbPerPage;
        var ratio = vmList.WorkingSetKbPerPage / counter.WorkingSetKbPerPage;
        var ratioNet = (vmList.WorkingSetKbPerPage - plain.WorkingSetKbPerPage) / (counter.WorkingSetKbPerPage - plain.WorkingSetKbPerPage);
        var fromRequest = latency is null ? "—" : Invariant($"{UpdateLatency.Percentile(latency.FromRequestMs, 0.5):N0} / {UpdateLatency.Percentile(latency.FromRequestMs, 0.95):N0}");
        var fromAnswer = latency is null ? "—" : Invariant($"{UpdateLatency.Percentile(latency.FromAnswerMs, 0.5):N0} / {UpdateLatency.Percentile(latency.FromAnswerMs, 0.95):N0}");
        var notShown = latency is null ? "—" : Invariant($"{latency.NotShown} of {latency.Changes * latency.PagesSampled}");
        text.AppendLine(Invariant(
            $"| {vmList.Asked:N0} | {vmList.ManagedKbPerPage:N0} KB ({managedNet:N0} KB) | {ratio:0.00}× ({ratioNet:0.00}×) | {fromRequest} | {fromAnswer} | {notShown} |"));

        return text.ToString();
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
