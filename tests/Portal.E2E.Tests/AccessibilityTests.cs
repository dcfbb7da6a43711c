using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Xunit.Abstractions;

namespace Portal.E2E.Tests;

/// <summary>axe-core on each main page: no critical violations; serious ones are printed for follow-up.</summary>
public sealed class AccessibilityTests(PortalFixture portal, ITestOutputHelper output)
    : BrowserTest(portal), IClassFixture<PortalFixture>
{
    [Fact]
    public async Task SignInPage_HasNoCriticalAxeViolations()
    {
        await new SignInPage(Page).OpenAsync();

        await AssertNoCriticalViolationsAsync("sign-in");
    }

    [Fact]
    public async Task SignUpPage_HasNoCriticalAxeViolations()
    {
        await new SignUpPage(Page).OpenAsync();

        await AssertNoCriticalViolationsAsync("sign-up");
    }

    [Fact]
    public async Task Dashboard_HasNoCriticalAxeViolations()
    {
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());

        await AssertNoCriticalViolationsAsync("dashboard");
    }

    [Fact]
    public async Task ApiTokensPage_HasNoCriticalAxeViolations()
    {
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());
        await new ApiTokensPage(Page).OpenAsync();

        await AssertNoCriticalViolationsAsync("api-tokens");
    }

    private async Task AssertNoCriticalViolationsAsync(string pageName)
    {
        var result = await Page.RunAxe();
        var report = Describe(pageName, result.Violations);
        output.WriteLine(report);

        // An axe that evaluated nothing would pass every page.
        Assert.NotEmpty(result.Passes);
        var critical = result.Violations.Where(v => v.Impact == "critical").ToList();
        Assert.True(critical.Count == 0, report);
    }

    private static string Describe(string pageName, AxeResultItem[] violations)
    {
        if (violations.Length == 0)
        {
            return $"axe on {pageName}: no violations";
        }

        var lines = violations.Select(v =>
            $"  [{v.Impact}] {v.Id}: {v.Help}{Environment.NewLine}"
            + string.Join(Environment.NewLine, v.Nodes.Select(n => $"      {n.Target} {n.Html}")));
        return $"axe on {pageName}: {violations.Length} violations{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
