using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/admin/audit: the audit log, and a check of its hash chain on demand.</summary>
public sealed class AdminAuditPage(IPage page) : PortalShell(page)
{
    public ILocator Verification => Page.Locator("#chain-verification");

    public ILocator Verdict => Page.Locator("#chain-verdict");

    public ILocator Head => Page.Locator("#chain-head");

    public ILocator Break => Page.Locator("#chain-break");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/admin/audit");
        await Assertions.Expect(Heading).ToHaveTextAsync("Audit log");
        await ExpectInteractiveAsync();
    }

    public Task VerifyAsync() => Page.Locator("#verify-chain").ClickAsync();
}
