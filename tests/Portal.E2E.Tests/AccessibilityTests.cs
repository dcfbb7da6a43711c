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
        var result = await Axe.RunAsync(Page, pageName, output.WriteLine);
        Axe.AssertNone(result, pageName, "critical");
    }
}
