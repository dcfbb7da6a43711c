using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;

namespace Portal.E2E.Tests;

public sealed partial class ApiTokenTests(PortalFixture portal) : BrowserTest(portal), IClassFixture<PortalFixture>
{
    [Fact]
    public async Task ApiTokens_CreateAndRevoke_InBrowser()
    {
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());
        var tokens = new ApiTokensPage(Page);
        await tokens.OpenAsync();

        await tokens.CreateAsync("build server");

        await Assertions.Expect(tokens.NewTokenSecret).ToHaveTextAsync(TokenSecret());
        await Assertions.Expect(tokens.Row("build server")).ToContainTextAsync("Active");
        await SaveScreenshotAsync(Page, "api-tokens.png");

        // Shown once: a fresh load of the page lists the token but never its secret.
        await tokens.OpenAsync();
        await Assertions.Expect(tokens.NewTokenSecret).ToHaveCountAsync(0);
        await Assertions.Expect(tokens.Row("build server")).ToContainTextAsync("Active");

        await tokens.RevokeAsync("build server");

        await Assertions.Expect(tokens.DialogWindow).ToBeHiddenAsync();
        await Assertions.Expect(tokens.Row("build server")).ToContainTextAsync("Revoked");
        await Assertions.Expect(tokens.Row("build server").Locator("fluent-button", new() { HasText = "Revoke" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ApiTokens_RevokeCancelled_KeepsTokenActive()
    {
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());
        var tokens = new ApiTokensPage(Page);
        await tokens.OpenAsync();
        await tokens.CreateAsync("ci runner");
        await Assertions.Expect(tokens.Row("ci runner")).ToContainTextAsync("Active");

        await tokens.Row("ci runner").Locator("fluent-button", new() { HasText = "Revoke" }).ClickAsync();
        await Assertions.Expect(tokens.DialogWindow).ToBeVisibleAsync();
        await tokens.Dialog.Locator("fluent-button", new() { HasText = "Cancel" }).ClickAsync();

        await Assertions.Expect(tokens.DialogWindow).ToBeHiddenAsync();
        await Assertions.Expect(tokens.Row("ci runner")).ToContainTextAsync("Active");
    }

    [GeneratedRegex(@"^tpat_\S{20,}$")]
    private static partial Regex TokenSecret();
}
