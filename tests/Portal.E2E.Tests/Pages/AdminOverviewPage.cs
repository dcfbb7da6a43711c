using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>The provider console's home, "/admin".</summary>
public sealed partial class AdminOverviewPage(IPage page) : PortalShell(page)
{
    public const string Title = "Provider overview";

    public ILocator TenantCount => Page.GetByTestId("tenant-count");

    public async Task ExpectShownAsync()
    {
        await Assertions.Expect(Page).ToHaveURLAsync(AdminUrl());
        await Assertions.Expect(Heading).ToHaveTextAsync(Title);
        await ExpectInteractiveAsync();
    }

    [GeneratedRegex("/admin$")]
    private static partial Regex AdminUrl();
}
