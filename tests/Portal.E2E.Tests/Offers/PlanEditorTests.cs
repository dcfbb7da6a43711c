using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using static Portal.E2E.Tests.Offers.OfferSteps;

namespace Portal.E2E.Tests.Offers;

/// <summary>The plan editor's own behaviour: what reaches the server, and what it says while the admin types.</summary>
public sealed class PlanEditorTests(PortalFixture portal) : BrowserTest(portal), IClassFixture<PortalFixture>
{
    [Fact]
    public async Task TypingAndCreatingAtOnce_SavesWhatWasTyped()
    {
        var planName = Unique("Quick");
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var editor = new PlanEditorPage(Page);
        await editor.OpenNewAsync();

        // No pause between the last keystroke and the click, as with a paste followed by a quick click.
        await Page.Locator("#plan-name input").FillAsync(planName);
        await editor.QuotaInput("MaxVms").FillAsync("4");
        await Page.Locator("#save-plan").ClickAsync();

        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/plans/[0-9a-f-]{36}$"));
        await Assertions.Expect(editor.Heading).ToHaveTextAsync(planName);
        await Assertions.Expect(editor.QuotaInput("MaxVms")).ToHaveValueAsync("4");
        await editor.ExpectNoCircuitErrorAsync();
    }

    [Fact]
    public async Task QuotaAboveTheMaximum_IsRefusedInWordsNotClamped()
    {
        await new SignInPage(Page).SignInAsProviderAdminAsync();
        var editor = new PlanEditorPage(Page);
        await editor.OpenNewAsync();
        await editor.SetNameAsync(Unique("Huge"));

        await editor.SetQuotaAsync("MaxVcpus", 2_000_000);

        await Assertions.Expect(editor.QuotaField("MaxVcpus")).ToContainTextAsync("Enter a number from 0 to 1,000,000, or switch on Unlimited.");
        await Assertions.Expect(editor.QuotaInput("MaxVcpus")).ToHaveValueAsync("2000000");
        await Page.Locator("#save-plan").ClickAsync();
        await Assertions.Expect(editor.Heading).ToHaveTextAsync("New plan");
        await editor.ExpectNoCircuitErrorAsync();
    }
}
