using Microsoft.Playwright;

namespace Portal.E2E.Tests.Pages;

/// <summary>/vms: the tenant's VMs, live.</summary>
public sealed class VirtualMachinesPage(IPage page) : PortalShell(page)
{
    public ILocator NoVms => Page.Locator("#no-vms");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/vms");
        await Assertions.Expect(Heading).ToHaveTextAsync("Virtual machines");
        await ExpectInteractiveAsync();
    }

    /// <summary>The name cell of one VM (a link to its page, with the shield when shielded).</summary>
    public ILocator Vm(string name) => Page.Locator($"[data-vm='{name}']");

    /// <summary>The grid row of one VM, for its state badge.</summary>
    public ILocator Row(string name) => Page.Locator("tr", new() { Has = Vm(name) });

    public Task NewVmAsync() => Page.Locator("#new-vm").ClickAsync();
}
