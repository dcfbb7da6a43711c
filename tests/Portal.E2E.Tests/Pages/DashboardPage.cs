using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>The tenant's home page, "/".</summary>
public sealed partial class DashboardPage(IPage page) : PortalShell(page)
{
    [GeneratedRegex(@"^https?://[^/]+/$")]
    private static partial Regex HomeUrl();

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/");
        await ExpectInteractiveAsync();
    }

    public async Task ExpectWelcomeAsync(string displayName)
    {
        await Assertions.Expect(Page).ToHaveURLAsync(HomeUrl());
        await Assertions.Expect(Heading).ToHaveTextAsync($"Welcome, {displayName}");
        await Assertions.Expect(UserName).ToHaveTextAsync(displayName);
        await ExpectInteractiveAsync();
    }
}
