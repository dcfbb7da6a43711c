using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Portal.E2E.Tests.ShieldingData;
using Xunit.Abstractions;
using static Portal.E2E.Tests.VirtualMachines.VmSteps;

namespace Portal.E2E.Tests.VirtualMachines;

/// <summary>
/// A VM's serial console in Chromium: through the portal's WebSocket relay to the simulated host's console (the host
/// connects out to the portal), under the portal's Content-Security-Policy; refused for the Shielded policy.
/// </summary>
public sealed class ConsoleTests(VmPortalFixture portal, ITestOutputHelper output) : BrowserTest(portal), IClassFixture<VmPortalFixture>
{
    [Fact]
    public async Task RegularVm_ConsoleInTheBrowser_ShowsTheLoginPrompt_AndEchoesWhatIsTyped()
    {
        var offer = await portal.PublishOfferAsync(Unique("Console"), shielded: false);
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());
        await SubscribeAsync(Page, offer.PlanName, "Console VMs");
        var wizard = new NewVirtualMachinePage(Page);
        await wizard.OpenAsync();
        await wizard.ChooseTemplateAsync(offer.TemplateName);
        await wizard.ChooseSizeAsync(offer.SizeName);
        var name = $"con-{Guid.NewGuid().ToString("N")[..6]}";
        await wizard.SetNameAsync(name);
        var vm = await wizard.CreateAsync(name);
        await vm.ExpectInteractiveAsync();
        await vm.ExpectStateAsync("Running");

        var console = new ConsolePanel(Page);
        await console.OpenAsync();

        await Assertions.Expect(console.State).ToHaveAttributeAsync("data-state", "Connected");
        await Assertions.Expect(console.Screen).ToContainTextAsync("TenantPortal simulated serial console");
        await Assertions.Expect(console.Screen).ToContainTextAsync($"{name} login:");
        await console.TypeAsync("root");
        await Assertions.Expect(console.Screen).ToContainTextAsync($"{name} login: root");
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(console.Screen).ToContainTextAsync("Login incorrect");
        await SaveScreenshotAsync(Page, "vm-console.png");
        Axe.AssertNone(await Axe.RunAsync(Page, "/vms/{id} (console)", output.WriteLine), "/vms/{id} (console)", "critical", "serious");

        await console.Disconnect.ClickAsync();
        await Assertions.Expect(console.State).ToHaveAttributeAsync("data-state", "Closed");
        await Assertions.Expect(console.Reason).ToContainTextAsync("Disconnected by the viewer.");
        await vm.ExpectNoCircuitErrorAsync();
        Assert.Empty(CspViolations);

        var activity = await Page.APIRequest.GetAsync("/api/v1/activity?search=console");
        var audit = await activity.TextAsync();
        output.WriteLine(audit);
        Assert.Contains("vm.console-opened", audit);
        Assert.Contains("vm.console-closed", audit);
    }

    [Fact]
    public async Task ShieldedVm_ConsoleButtonIsDisabledWithTheReason_AndTheApiRefuses()
    {
        var offer = await portal.PublishOfferAsync(Unique("NoConsole"), shielded: true);
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());
        await SubscribeAsync(Page, offer.PlanName, "Shielded VMs");
        using var machine = new Tool("tenant");
        await MakeAndUploadShieldingDataAsync(Page, machine, offer.TemplateName, "Console tier");
        var wizard = new NewVirtualMachinePage(Page);
        await wizard.OpenAsync();
        await wizard.ChooseTemplateAsync(offer.TemplateName);
        await wizard.ChooseSizeAsync(offer.SizeName);
        var name = $"shd-{Guid.NewGuid().ToString("N")[..6]}";
        await wizard.SetNameAsync(name);
        await wizard.TickShieldedAsync();
        await wizard.ChooseShieldingDataAsync("Console tier");
        var vm = await wizard.CreateAsync(name);
        await vm.ExpectInteractiveAsync();
        await vm.ExpectStateAsync("Running");

        var console = new ConsolePanel(Page);
        await Assertions.Expect(console.Button).ToHaveAttributeAsync("aria-disabled", "true");
        await Assertions.Expect(console.Refused).ToContainTextAsync("Console access is refused for shielded VMs (policy Shielded)");
        await Assertions.Expect(console.Panel).ToHaveCountAsync(0);

        var refused = await Page.APIRequest.GetAsync($"/api/v1/vms/{vm.Id}/console");
        Assert.Equal(409, refused.Status);
        Assert.Contains("policy Shielded", await refused.TextAsync());
        var upgrade = await Page.EvaluateAsync<string>("""
            id => new Promise(resolve => {
              const socket = new WebSocket(new URL(`api/v1/vms/${id}/console`, document.baseURI).href.replace(/^http/, 'ws'));
              socket.onopen = () => { socket.close(); resolve('opened'); };
              socket.onclose = e => resolve(`closed ${e.code}`);
            })
            """, vm.Id.ToString());
        Assert.Equal("closed 1006", upgrade);
    }
}
