using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/vms/{id}: state badge, day-two actions, the running job's steps (live) and the job history.</summary>
public sealed partial class VirtualMachinePage(IPage page) : PortalShell(page)
{
    public ILocator State => Page.Locator("main [data-testid=vm-state]");

    public ILocator Policy => Page.GetByTestId("vm-policy");

    public ILocator Message => Page.Locator("#vm-message");

    /// <summary>The unfinished (or last failed) job's section; gone once the job succeeded.</summary>
    public ILocator Job => Page.Locator("section.job");

    public ILocator Steps => Job.Locator("li.step[data-step]");

    public ILocator History => Page.Locator("table.history tbody tr");

    public ConfirmationDialog Dialog { get; } = new(page);

    public ILocator Action(string slug) => Page.Locator($"#vm-{slug}");

    public ILocator NotFound => Page.Locator("#vm-not-found");

    /// <summary>Waits for the page to say the VM is gone (its delete job finished), or says what it showed instead.</summary>
    public async Task ExpectDeletedAsync(float timeoutMs = 90_000)
    {
        try
        {
            await Assertions.Expect(NotFound).ToBeVisibleAsync(new() { Timeout = timeoutMs });
        }
        catch (PlaywrightException e)
        {
            throw new PlaywrightException($"{e.Message}{Environment.NewLine}The VM page showed: {await Page.Locator("main").InnerTextAsync()}", e);
        }
    }

    /// <summary>The VM's id, from the address.</summary>
    public Guid Id => Guid.Parse(VmUrl().Match(Page.Url).Groups["id"].Value);

    public async Task ExpectStateAsync(string state, float timeoutMs = 60_000) =>
        await Assertions.Expect(State).ToHaveAttributeAsync("data-state", state, new() { Timeout = timeoutMs });

    /// <summary>Clicks an action once the VM allows it (no other job under way) and confirms when asked.</summary>
    public async Task RequestAsync(string slug, string? confirmTitle = null, string? confirmButton = null)
    {
        var button = Action(slug);
        await Assertions.Expect(button).ToHaveAttributeAsync("aria-disabled", "false", new() { Timeout = 60_000 });
        await button.ClickAsync();
        if (confirmTitle is not null)
        {
            await Dialog.ConfirmAsync(confirmTitle, confirmButton!);
        }
    }

    [GeneratedRegex("/vms/(?<id>[0-9a-f-]{36})$")]
    public static partial Regex VmUrl();
}
