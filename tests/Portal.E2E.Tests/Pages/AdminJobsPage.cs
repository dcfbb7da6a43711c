using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/admin/jobs: every tenant's jobs with host, progress, waiting reason or error.</summary>
public sealed class AdminJobsPage(IPage page) : PortalShell(page)
{
    public async Task OpenAsync()
    {
        await Page.GotoAsync("/admin/jobs");
        await Assertions.Expect(Heading).ToHaveTextAsync("Jobs");
        await ExpectInteractiveAsync();
    }

    /// <summary>The grid rows of one VM's jobs.</summary>
    public ILocator Rows(string vmName) =>
        Page.Locator("tr", new() { Has = Page.Locator("[data-job-row]", new() { HasText = vmName }) });
}
