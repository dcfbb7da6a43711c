using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/admin/plans/new and /admin/plans/{id}: the plan editor and its state buttons.</summary>
public sealed partial class PlanEditorPage(IPage page) : PortalShell(page)
{
    private static readonly string[] ImmediateInputs =
    [
        "plan-name", "plan-description", "quota-MaxVms", "quota-MaxVcpus", "quota-MaxMemoryGiB", "quota-MaxStorageGiB",
        "invitation-code", "max-subscriptions",
    ];

    public ILocator State => Page.Locator("#plan-state");

    public ILocator Message => Page.Locator("#plan-message");

    public ConfirmationDialog Dialog { get; } = new(page);

    public async Task OpenNewAsync()
    {
        await Page.GotoAsync("/admin/plans/new");
        await Assertions.Expect(Heading).ToHaveTextAsync("New plan");
        await ExpectInteractiveAsync();
        await ExpectImmediateInputsReadyAsync(ImmediateInputs);
    }

    public Task SetNameAsync(string name) => Page.Locator("#plan-name input").FillAsync(name);

    public Task SetDescriptionAsync(string text) => Page.Locator("#plan-description textarea").FillAsync(text);

    /// <summary>Quota fields by their form name: MaxVms, MaxVcpus, MaxMemoryGiB, MaxStorageGiB.</summary>
    public ILocator QuotaInput(string field) => Page.Locator($"#quota-{field} input");

    public ILocator QuotaField(string field) => Page.Locator($"#quota-{field}-field");

    public async Task SetQuotaAsync(string field, int limit)
    {
        await QuotaInput(field).FillAsync(limit.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(QuotaInput(field)).ToHaveValueAsync(limit.ToString(CultureInfo.InvariantCulture));
    }

    public async Task MakeUnlimitedAsync(string field)
    {
        await Page.Locator($"#unlimited-{field}").ClickAsync();
        await Assertions.Expect(QuotaInput(field)).ToBeDisabledAsync();
    }

    /// <summary>Ticks a template or size by the words next to its checkbox.</summary>
    public async Task OfferAsync(string label)
    {
        var field = Page.Locator("fieldset fluent-field", new() { HasText = label });
        await field.Locator("fluent-checkbox").ClickAsync();
        // The checked state lives in ElementInternals, out of reach of ToBeCheckedAsync; the element's property is not.
        await Assertions.Expect(field.Locator("fluent-checkbox")).ToHaveJSPropertyAsync("checked", true);
    }

    public Task SetInvitationCodeAsync(string code) => Page.Locator("#invitation-code input").FillAsync(code);

    /// <summary>Creates the plan and waits for its own page (a new plan starts private).</summary>
    public async Task CreateAsync(string name)
    {
        await Page.Locator("#save-plan").ClickAsync();
        try
        {
            await Assertions.Expect(Page).ToHaveURLAsync(PlanUrl());
        }
        catch (PlaywrightException e)
        {
            // Say what the editor showed (its messages are the likely reason), not just where the browser stayed.
            throw new PlaywrightException($"{e.Message}{Environment.NewLine}The editor showed: {await Page.Locator("main").InnerTextAsync()}", e);
        }

        await Assertions.Expect(Heading).ToHaveTextAsync(name);
        await Assertions.Expect(State).ToHaveTextAsync("Private");
    }

    public async Task PublishAsync()
    {
        await Page.Locator("#publish-plan").ClickAsync();
        await Dialog.ConfirmAsync("Publish this plan?", "Publish");
        await Assertions.Expect(State).ToHaveTextAsync("Public");
    }

    [GeneratedRegex("/admin/plans/[0-9a-f-]{36}$")]
    private static partial Regex PlanUrl();
}
