using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Portal.E2E.Tests.ShieldingData;
using Xunit.Abstractions;
using static Portal.E2E.Tests.VirtualMachines.VmSteps;

namespace Portal.E2E.Tests.VirtualMachines;

/// <summary>A tenant's VMs from the wizard to deletion, on simulated guarded hosts, in Chromium.</summary>
public sealed class VmLifecycleTests(VmPortalFixture portal, ITestOutputHelper output) : BrowserTest(portal), IClassFixture<VmPortalFixture>
{
    private const string Critical = "critical";
    private const string Serious = "serious";

    [Fact]
    public async Task ShieldedVm_CreatedFromTheWizard_StepsAdvanceLiveToRunning_ThenShutDownStartDelete_AndQuotaFollows()
    {
        var offer = await portal.PublishOfferAsync(Unique("Shielded"), shielded: true);
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());
        await SubscribeAsync(Page, offer.PlanName, "Secure VMs");
        using var machine = new Tool("tenant");
        await MakeAndUploadShieldingDataAsync(Page, machine, offer.TemplateName, "Web tier");

        await Page.Context.AddInitScriptAsync(StepRecorder);
        var list = new VirtualMachinesPage(Page);
        await list.OpenAsync();
        await Assertions.Expect(list.NoVms).ToBeVisibleAsync();
        await list.NewVmAsync();

        var wizard = new NewVirtualMachinePage(Page);
        await wizard.ExpectShownAsync();
        var card = wizard.TemplateCard(offer.TemplateName);
        await Assertions.Expect(NewVirtualMachinePage.ShieldIcon(card)).ToBeVisibleAsync();
        await Assertions.Expect(NewVirtualMachinePage.ShieldIcon(card)).ToContainTextAsync("Shielding-capable");
        await wizard.ChooseTemplateAsync(offer.TemplateName);
        await wizard.ChooseSizeAsync(offer.SizeName);
        var name = $"web-{Guid.NewGuid().ToString("N")[..6]}";
        await wizard.SetNameAsync(name);
        await wizard.TickShieldedAsync();
        await wizard.ChooseShieldingDataAsync("Web tier");
        var wizardAxe = await Axe.RunAsync(Page, "/vms/new", output.WriteLine);
        Axe.AssertNone(Axe.WithoutFluentRadioPositions(wizardAxe.Violations), "/vms/new", Critical, Serious);

        var vm = await wizard.CreateAsync(name);
        await vm.ExpectInteractiveAsync();
        await Page.EvaluateAsync("() => window.__sameDocument = true");

        // Catch the steps on screen while the job runs; a very quick job may already have finished, and then it is the
        // recorder below that proves they advanced.
        await Assertions.Expect(Page.Locator("section.job li.step[data-state=Succeeded], main [data-testid=vm-state][data-state=Running]").First)
            .ToBeVisibleAsync(new() { Timeout = 60_000 });
        if (await vm.Job.CountAsync() > 0)
        {
            await SaveScreenshotAsync(Page, "vm-steps.png");
        }

        await vm.ExpectStateAsync("Running");
        var seen = await StepsSeenAsync(Page);
        output.WriteLine("Steps seen: " + string.Join(", ", seen.Select(s => $"{s.Step}={s.State}@{s.Vm}")));
        var whileProvisioning = seen.Where(s => s.Vm == "Provisioning").ToList();
        Assert.Contains(whileProvisioning, s => s.State is "Running" or "Succeeded");
        Assert.True(whileProvisioning.Count > whileProvisioning.Select(s => s.Step).Distinct().Count(),
            "No step was seen changing state on the page while the VM was being created.");
        Assert.True(await Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");

        await Assertions.Expect(vm.Policy).ToContainTextAsync("Shielded (policy Shielded)");
        await Assertions.Expect(vm.History.First).ToContainTextAsync("Create");
        await Assertions.Expect(vm.History.First).ToContainTextAsync("Succeeded");
        await vm.ExpectNoCircuitErrorAsync();
        Axe.AssertNone(await Axe.RunAsync(Page, "/vms/{id}", output.WriteLine), "/vms/{id}", Critical, Serious);

        await vm.RequestAsync("shut-down");
        await vm.ExpectStateAsync("Stopped");
        await vm.RequestAsync("start");
        await vm.ExpectStateAsync("Running");
        await Assertions.Expect(vm.History).ToHaveCountAsync(3);

        var subscriptions = new SubscriptionsPage(Page);
        await subscriptions.OpenAsync();
        var vmsBar = SubscriptionsPage.QuotaBar(subscriptions.SubscriptionCard("Secure VMs"), "Vms");
        await Assertions.Expect(vmsBar.Locator(".numbers")).ToHaveTextAsync("1 of 2 used (50%)");

        await list.OpenAsync();
        await Assertions.Expect(list.Row(name).Locator("[data-testid=vm-state]")).ToHaveAttributeAsync("data-state", "Running");
        await Assertions.Expect(list.Vm(name).Locator("[data-testid=vm-shield]")).ToBeVisibleAsync();
        Axe.AssertNone(await Axe.RunAsync(Page, "/vms", output.WriteLine), "/vms", Critical, Serious);

        await list.Vm(name).Locator("a").ClickAsync();
        await Assertions.Expect(vm.Heading).ToHaveTextAsync(name);
        await vm.ExpectInteractiveAsync();
        await vm.RequestAsync("delete", "Delete this VM?", "Delete");
        await vm.ExpectDeletedAsync();
        await list.OpenAsync();
        await Assertions.Expect(list.Vm(name)).ToHaveCountAsync(0);
        await Assertions.Expect(list.NoVms).ToBeVisibleAsync();

        await subscriptions.OpenAsync();
        await Assertions.Expect(vmsBar.Locator(".numbers")).ToHaveTextAsync("0 of 2 used (0%)");
    }

    [Fact]
    public async Task RegularVm_OnAPlanWithoutShielding_RunsAndIsDeleted()
    {
        var offer = await portal.PublishOfferAsync(Unique("Regular"), shielded: false);
        await new SignUpPage(Page).SignUpAsync(TestTenant.New());
        await SubscribeAsync(Page, offer.PlanName, "Plain VMs");

        var wizard = new NewVirtualMachinePage(Page);
        await wizard.OpenAsync();
        await wizard.ChooseTemplateAsync(offer.TemplateName);
        await Assertions.Expect(NewVirtualMachinePage.ShieldIcon(wizard.TemplateCard(offer.TemplateName))).ToHaveCountAsync(0);
        await wizard.ChooseSizeAsync(offer.SizeName);
        var name = $"app-{Guid.NewGuid().ToString("N")[..6]}";
        await wizard.SetNameAsync(name);
        await Assertions.Expect(wizard.ShieldedSwitch).ToHaveJSPropertyAsync("disabled", true);
        await Assertions.Expect(wizard.ShieldingUnavailable).ToContainTextAsync("does not allow shielded VMs");

        var vm = await wizard.CreateAsync(name);
        await vm.ExpectInteractiveAsync();
        await vm.ExpectStateAsync("Running");
        await Assertions.Expect(vm.Policy).ToHaveTextAsync("Not shielded");
        await vm.ExpectNoCircuitErrorAsync();

        await vm.RequestAsync("delete", "Delete this VM?", "Delete");
        await vm.ExpectDeletedAsync();
        var list = new VirtualMachinesPage(Page);
        await list.OpenAsync();
        await Assertions.Expect(list.Vm(name)).ToHaveCountAsync(0);
    }
}
