using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/subscriptions: the tenant's subscriptions with quota bars, and the public plans to subscribe to.</summary>
public sealed class SubscriptionsPage(IPage page) : PortalShell(page)
{
    public ILocator Message => Page.Locator("#subscriptions-message");

    public ILocator SuspendedBanner => Page.Locator("#tenant-suspended");

    public ILocator SubscriptionCards => Page.Locator("[data-subscription]");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/subscriptions");
        await Assertions.Expect(Heading).ToHaveTextAsync("Subscriptions");
        await ExpectInteractiveAsync();
    }

    public ILocator PlanCard(string planName) =>
        Page.Locator("[data-plan]", new() { Has = Page.Locator("h3", new() { HasText = planName }) });

    public ILocator SubscriptionCard(string displayName) =>
        Page.Locator("[data-subscription]", new() { Has = Page.Locator("h3", new() { HasText = displayName }) });

    /// <summary>One quota bar of a subscription: Vms, Vcpus, MemoryGiB or StorageGiB.</summary>
    public static ILocator QuotaBar(ILocator subscriptionCard, string dimension) =>
        subscriptionCard.Locator($".quota-bar[data-dimension={dimension}]");

    public ILocator SubscribeButton(string planName) =>
        PlanCard(planName).Locator("fluent-button", new() { HasText = "Subscribe" });

    public ILocator SubscriptionNameInput => Page.Locator("#subscription-name input");

    public ILocator InvitationCodeInput => Page.Locator("#invitation-code input");

    public ILocator NamePreview => Page.Locator("#subscription-name-preview");

    public ILocator InvitationCodeField => Page.Locator("#invitation-code-field");

    public async Task StartSubscribeAsync(string planName)
    {
        await SubscribeButton(planName).ClickAsync();
        await Assertions.Expect(SubscriptionNameInput).ToBeVisibleAsync();
    }

    /// <summary>Fills the open subscribe form and confirms; the caller asserts the outcome.</summary>
    public async Task SubmitSubscribeAsync(string displayName, string? invitationCode = null)
    {
        // The preview is rendered by the server: once it shows the name, the confirm click cannot overtake it. Text filled
        // in before the field's events are wired up reaches only the browser, so it is filled again until the server has it.
        for (var attempt = 1; ; attempt++)
        {
            await SubscriptionNameInput.FillAsync(displayName);
            try
            {
                await Assertions.Expect(NamePreview).ToContainTextAsync(displayName.Trim(), new() { Timeout = 3_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 5)
            {
                await SubscriptionNameInput.FillAsync("");
            }
        }

        if (invitationCode is not null)
        {
            await InvitationCodeInput.FillAsync(invitationCode);
        }

        await Page.Locator("#confirm-subscribe").ClickAsync();
    }
}
