using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/vms/new: subscription → template → size → name → Shielded (with the tenant's files) → Create.</summary>
public sealed class NewVirtualMachinePage(IPage page) : PortalShell(page)
{
    public ILocator Message => Page.Locator("#new-vm-message");

    public ILocator ShieldedSwitch => Page.GetByLabel("Shielded", new() { Exact = true });

    public ILocator ShieldingUnavailable => Page.GetByTestId("shielding-unavailable");

    public ILocator NameInput => Page.Locator("#vm-name input");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/vms/new");
        await ExpectShownAsync();
    }

    public async Task ExpectShownAsync()
    {
        await Assertions.Expect(Heading).ToHaveTextAsync("New virtual machine");
        await ExpectInteractiveAsync();
        await ExpectImmediateInputsReadyAsync("vm-name");
    }

    /// <summary>A template's card in the gallery, by its name.</summary>
    public ILocator TemplateCard(string templateName) =>
        Page.Locator("[data-template]", new() { Has = Page.Locator("fluent-field", new() { HasText = templateName }) });

    public static ILocator ShieldIcon(ILocator templateCard) => templateCard.Locator("[data-shield]");

    public async Task ChooseTemplateAsync(string templateName)
    {
        var radio = TemplateCard(templateName).Locator("fluent-radio");
        await radio.ClickAsync();
        // Checked lives in ElementInternals, out of reach of ToBeCheckedAsync; the element's property is not.
        await Assertions.Expect(radio).ToHaveJSPropertyAsync("checked", true);
    }

    public async Task ChooseSizeAsync(string sizeName)
    {
        // A Fluent radio's label is its field's, beside the radio.
        var radio = Page.Locator("fluent-field", new() { Has = Page.Locator("fluent-radio[id^='size-']"), HasText = sizeName })
            .Locator("fluent-radio");
        await radio.ClickAsync();
        await Assertions.Expect(radio).ToHaveJSPropertyAsync("checked", true);
    }

    public async Task SetNameAsync(string name)
    {
        await NameInput.FillAsync(name);
        await Assertions.Expect(NameInput).ToHaveValueAsync(name);
    }

    public async Task TickShieldedAsync()
    {
        // Playwright's enabled check does not read a Fluent element's disabled state; the element's property does.
        await Assertions.Expect(ShieldedSwitch).ToHaveJSPropertyAsync("disabled", false);
        await ShieldedSwitch.ClickAsync();
        await Assertions.Expect(Page.Locator("#vm-shielded")).ToHaveJSPropertyAsync("checked", true);
    }

    /// <summary>One of the tenant's shielding data files in the Shielded section, by its friendly name.</summary>
    public ILocator ShieldingDataFile(string friendlyName) =>
        Page.Locator("[data-shielding-data]", new() { HasText = friendlyName });

    public async Task ChooseShieldingDataAsync(string friendlyName)
    {
        var file = ShieldingDataFile(friendlyName);
        await Assertions.Expect(file).ToHaveAttributeAsync("data-compatible", "true");
        var radio = file.Locator("fluent-radio");
        await radio.ClickAsync();
        await Assertions.Expect(radio).ToHaveJSPropertyAsync("checked", true);
    }

    /// <summary>Creates the VM and waits for its own page.</summary>
    public async Task<VirtualMachinePage> CreateAsync(string name)
    {
        await Page.Locator("#create-vm").ClickAsync();
        var vm = new VirtualMachinePage(Page);
        try
        {
            await Assertions.Expect(vm.Heading).ToHaveTextAsync(name);
        }
        catch (PlaywrightException e)
        {
            // Say what the wizard answered (its message is the likely reason), not just where the browser stayed.
            var said = string.Join(" ", await Message.AllInnerTextsAsync());
            throw new PlaywrightException($"{e.Message}{Environment.NewLine}The wizard said: {said}", e);
        }

        return vm;
    }
}
