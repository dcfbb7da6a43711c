using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;

namespace Portal.E2E.Tests.Security;

/// <summary>
/// Script payloads in every free-text field (<see cref="HostileFields"/>) are shown as text on the tenant's and the
/// provider's pages, confirmation dialogs included, and none runs.
/// <list type="bullet">
/// <item>Tenant: organization, user name, subscription name, API token name, shielding data name and description, VM
/// names; from uploaded files: the owner guardian's name.</item>
/// <item>Provider: plan name, description and invitation code, add-on name and description, template name, description
/// and OS version, size name and description, catalog (VSC) name, the fabric guardian's name.</item>
/// <item>Host agents: agent version, hypervisor, acceleration, TPM, attestation reason, job step messages, job error
/// messages.</item>
/// <item>Refused by their alphabet (checked below): a host's name, a template's disk file name, a sign-up email.</item>
/// </list>
/// The pages run with their Content-Security-Policy bypassed: the policy would stop an injected handler and hide an
/// escaping bug, and this test is about the escaping (the policy has tests of its own).
/// </summary>
public sealed class XssPayloadTests(HostilePortalFixture portal) : BrowserTest(portal), IClassFixture<HostilePortalFixture>
{
    protected override bool BypassCsp => true;

    [Fact]
    public async Task Detector_SeesInjectedScript_EvenUnderAContentSecurityPolicy()
    {
        // A page that does not escape, under a policy allowing no inline script (as the portal's): the detector must see
        // both what ran (the policy is bypassed) and what was built.
        var detector = await XssDetector.AttachAsync(Page);
        var unescaped = string.Join(" ", XssPayloads.All("control"));
        await Page.RouteAsync("**/xss-control", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Headers = new Dictionary<string, string> { ["Content-Security-Policy"] = "script-src 'self'" },
            Body = $"<!DOCTYPE html><html><body><main>{unescaped}</main></body></html>",
        }));

        await Page.GotoAsync("/xss-control");

        // An image's error handler runs once its load has failed.
        await Page.WaitForFunctionAsync("() => window.__xssHits.includes('control.img')");
        var findings = await detector.FindingsAsync();
        Assert.Contains("script ran: __xss('control.img')", findings);
        Assert.Contains("script ran: __xss('control.script')", findings);
        Assert.Contains(findings, f => f.StartsWith("element from payload markup: <img src=\"x\"", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.StartsWith("element from payload markup: <script>", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.StartsWith("element from payload markup: <b data-xss=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TenantPages_ShowHostileTextAsText_AndRunNoScript()
    {
        var data = await Hostile.DataAsync();
        var detector = await XssDetector.AttachAsync(Page);
        var signIn = new SignInPage(Page);
        await signIn.OpenAsync();
        await signIn.SubmitAsync(Hostile.Tenant.Email, Hostile.Tenant.Password);
        await new DashboardPage(Page).ExpectWelcomeAsync(HostileFields.UserDisplayName);

        await VisitAsync(detector, "/", HostileFields.UserDisplayName, HostileFields.Organization, HostileFields.SubscriptionName, HostileFields.PlanName);
        await VisitAsync(detector, "/vms", HostileFields.FailedVmName, HostileFields.RunningVmName, HostileFields.TemplateName, HostileFields.SizeName);
        await VisitAsync(detector, $"/vms/{data.FailedVmId}", HostileFields.FailedVmName, HostileFields.TemplateName, HostileFields.SizeName,
            HostileFields.StepMessage, HostileFields.ErrorMessage);
        await VisitAsync(detector, $"/vms/{data.RunningVmId}", HostileFields.RunningVmName);
        await ConfirmationAsync(detector, Page.Locator("#vm-delete"), HostileFields.RunningVmName, "Cancel");
        await VisitAsync(detector, "/vms/new", HostileFields.SubscriptionName, HostileFields.TemplateName, HostileFields.TemplateDescription,
            HostileFields.TemplateOsVersion, HostileFields.SizeName);
        await VisitAsync(detector, "/subscriptions", HostileFields.SubscriptionName, HostileFields.PlanName, HostileFields.PlanDescription,
            HostileFields.AddOnName);
        await VisitAsync(detector, "/shielding-data", HostileFields.ShieldingDataName, HostileFields.ShieldingDataDescription,
            HostileFields.OwnerGuardianName, HostileFields.FabricGuardianName, HostileFields.CatalogName, HostileFields.TemplateName);
        await ConfirmationAsync(detector, Page.Locator("[data-shielding-data] fluent-button", new() { HasText = "Delete" }),
            HostileFields.ShieldingDataName, "Cancel");
        await VisitAsync(detector, "/api-tokens", HostileFields.ApiTokenName);
        await ConfirmationAsync(detector, Row(HostileFields.ApiTokenName).Locator("fluent-button", new() { HasText = "Revoke" }),
            HostileFields.ApiTokenName, "Cancel");
        await VisitAsync(detector, "/activity", HostileFields.FailedVmName, HostileFields.ApiTokenName);
    }

    [Fact]
    public async Task ProviderPages_ShowHostileTextAsText_AndRunNoScript()
    {
        var data = await Hostile.DataAsync();
        var detector = await XssDetector.AttachAsync(Page);
        await new SignInPage(Page).SignInAsProviderAdminAsync();

        await VisitAsync(detector, "/admin");
        await VisitAsync(detector, "/admin/tenants", HostileFields.Organization);
        await Page.Locator("fluent-button", new() { HasText = HostileFields.Organization }).ClickAsync();
        await ExpectShownAsync(detector, "/admin/tenants (details)", HostileFields.UserDisplayName, HostileFields.SubscriptionName);
        await ConfirmationAsync(detector, Page.Locator("#suspend-tenant"), HostileFields.Organization, "Cancel");
        await VisitAsync(detector, "/admin/plans", HostileFields.PlanName, HostileFields.AddOnName);
        await ConfirmationAsync(detector, Row(HostileFields.AddOnName).Locator("fluent-button", new() { HasText = "Delete" }),
            HostileFields.AddOnName, "Cancel");
        await VisitAsync(detector, $"/admin/plans/{data.PlanId}", HostileFields.PlanName, HostileFields.TemplateName, HostileFields.SizeName);
        await Assertions.Expect(Page.Locator("#plan-name input")).ToHaveValueAsync(HostileFields.PlanName);
        await Assertions.Expect(Page.Locator("#plan-description textarea")).ToHaveValueAsync(HostileFields.PlanDescription);
        await Assertions.Expect(Page.Locator("#invitation-code input")).ToHaveValueAsync(HostileFields.InvitationCode);
        await detector.AssertCleanAsync("/admin/plans/{id} (form)");
        await VisitAsync(detector, "/admin/subscriptions", HostileFields.SubscriptionName, HostileFields.Organization, HostileFields.PlanName);
        await ConfirmationAsync(detector, Row(HostileFields.SubscriptionName).Locator("fluent-button", new() { HasText = "Suspend" }),
            HostileFields.SubscriptionName, "Keep it");
        await VisitAsync(detector, "/admin/gallery", HostileFields.TemplateName, HostileFields.TemplateOsVersion, HostileFields.SizeName,
            HostileFields.CatalogName);
        await ConfirmationAsync(detector, Row(HostileFields.TemplateName).Locator("fluent-button", new() { HasText = "Delete" }),
            HostileFields.TemplateName, "Cancel");
        await VisitAsync(detector, $"/admin/gallery/{data.TemplateId}/catalog", HostileFields.TemplateName, HostileFields.CatalogName);
        await VisitAsync(detector, "/admin/fabric", HostileFields.AgentVersion, HostileFields.Hypervisor, HostileFields.Acceleration,
            HostileFields.Tpm, HostileFields.AttestationReason);
        await VisitAsync(detector, "/admin/vms", HostileFields.FailedVmName, HostileFields.RunningVmName, HostileFields.Organization);
        await VisitAsync(detector, "/admin/jobs", HostileFields.FailedVmName, HostileFields.Organization, HostileFields.ErrorMessage);
        await ConfirmationAsync(detector, Row(HostileFields.FailedVmName).Locator("fluent-button", new() { HasText = "Restart" }),
            HostileFields.FailedVmName, "Cancel");
        await VisitAsync(detector, "/admin/audit", HostileFields.FailedVmName, HostileFields.PlanName);
    }

    [Fact]
    public async Task FieldsWithANarrowAlphabet_RefuseHostileText()
    {
        using var admin = await Portal.AdminApiAsync();

        var join = await HostileHost.TryJoinAsync(Portal.BaseAddress, admin, XssPayloads.Short("host"), "1.0.0");
        Assert.Equal(HttpStatusCode.BadRequest, join.StatusCode);
        Assert.Contains("A host name may use letters, digits, '-', '.' and '_' only.", await join.Content.ReadAsStringAsync());

        var template = await admin.PostAsJsonAsync("/api/admin/v1/templates", new
        {
            name = "Refused template", osFamily = "Linux", osVersion = "1", generation = 2,
            diskFileName = XssPayloads.Img("disk"), diskSizeGiB = 1, description = "",
        });
        Assert.Equal(HttpStatusCode.BadRequest, template.StatusCode);
        Assert.Contains("must be a plain file name", await template.Content.ReadAsStringAsync());

        // The refusal repeats what was typed: as text.
        var detector = await XssDetector.AttachAsync(Page);
        var signUp = new SignUpPage(Page);
        var email = $"{XssPayloads.Short("email")}@e2e.test";
        await signUp.OpenAsync();
        await signUp.SubmitAsync(TestTenant.New() with { Email = email });
        await Assertions.Expect(signUp.ValidationMessages).ToContainTextAsync(email);
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync("Create a tenant account");
        await detector.AssertCleanAsync("/account/sign-up");
    }

    private HostilePortalFixture Hostile => (HostilePortalFixture)Portal;

    private ILocator Row(string text) => Page.Locator("tr", new() { Has = Page.Locator("td", new() { HasText = text }) });

    private async Task VisitAsync(XssDetector detector, string path, params string[] shown)
    {
        await Page.GotoAsync(path);
        var shell = new PortalShell(Page);
        await shell.ExpectInteractiveAsync();
        await ExpectShownAsync(detector, path, shown);
    }

    /// <summary>The page shows each text as text (so it did render the payload), and nothing ran or was built from it.</summary>
    private async Task ExpectShownAsync(XssDetector detector, string where, params string[] shown)
    {
        foreach (var text in shown)
        {
            await Assertions.Expect(Page.Locator("main")).ToContainTextAsync(text);
        }

        await new PortalShell(Page).ExpectNoCircuitErrorAsync();
        await detector.AssertCleanAsync(where);
    }

    /// <summary>Fluent's confirmation dialog names what it acts on; it must show that name as text too.</summary>
    private async Task ConfirmationAsync(XssDetector detector, ILocator opener, string shown, string dismiss)
    {
        var dialog = new ConfirmationDialog(Page);
        await opener.First.ClickAsync();
        await Assertions.Expect(dialog.Window).ToBeVisibleAsync();
        await Assertions.Expect(dialog.Host).ToContainTextAsync(shown);
        await detector.AssertCleanAsync($"{Page.Url} (confirmation)");
        await dialog.Host.Locator("fluent-button", new() { HasText = dismiss }).ClickAsync();
        await Assertions.Expect(dialog.Window).ToBeHiddenAsync();
    }
}
