using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;

namespace Portal.E2E.Tests;

/// <summary>
/// The main pages work under the portal's Content-Security-Policy: the circuit comes up, Fluent components render, and
/// the browser reports no violation (no blocked script, style, font or connection).
/// </summary>
public sealed class ContentSecurityPolicyTests(PortalFixture portal) : BrowserTest(portal), IClassFixture<PortalFixture>
{
    [Fact]
    public async Task TenantPages_RunWithoutCspViolations()
    {
        await new SignInPage(Page).OpenAsync();
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());

        foreach (var path in new[] { "/", "/vms", "/vms/new", "/shielding-data", "/subscriptions", "/api-tokens", "/activity" })
        {
            await OpenAsync(path);
        }

        Assert.Empty(CspViolations);
    }

    [Fact]
    public async Task ProviderPages_RunWithoutCspViolations()
    {
        var signIn = new SignInPage(Page);
        await signIn.OpenAsync();
        await signIn.SignInAsProviderAdminAsync();

        foreach (var path in new[]
        {
            "/admin", "/admin/plans", "/admin/plans/new", "/admin/subscriptions", "/admin/tenants", "/admin/gallery",
            "/admin/fabric", "/admin/jobs", "/admin/vms", "/admin/audit",
        })
        {
            await OpenAsync(path);
        }

        Assert.Empty(CspViolations);
    }

    [Fact]
    public async Task ApiReference_RunsWithoutCspViolations()
    {
        await Page.GotoAsync("/api/reference");

        await Assertions.Expect(Page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("TenantPortal API"));
        Assert.Empty(CspViolations);
    }

    private async Task OpenAsync(string path)
    {
        await Page.GotoAsync(path);
        var shell = new PortalShell(Page);
        await shell.ExpectInteractiveAsync();
        await shell.ExpectNoCircuitErrorAsync();
    }
}
