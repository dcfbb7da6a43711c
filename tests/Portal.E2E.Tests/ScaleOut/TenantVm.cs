using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Portal.E2E.Tests.VirtualMachines;
using static Portal.E2E.Tests.VirtualMachines.VmSteps;

namespace Portal.E2E.Tests.ScaleOut;

/// <summary>A new tenant, in the browser: signs up, subscribes to the offer and creates a regular VM from the wizard.</summary>
internal static class TenantVm
{
    public static async Task<VirtualMachinePage> SignUpAndCreateAsync(IPage page, (string PlanName, string TemplateName, string SizeName) offer)
    {
        await new SignUpPage(page).SignUpAsync(TestTenant.New());
        await SubscribeAsync(page, offer.PlanName, "Scale-out VMs");

        // From here every document the tab loads records the job steps it shows.
        await page.Context.AddInitScriptAsync(StepRecorder);
        var wizard = new NewVirtualMachinePage(page);
        await wizard.OpenAsync();
        await wizard.ChooseTemplateAsync(offer.TemplateName);
        await wizard.ChooseSizeAsync(offer.SizeName);
        var name = $"web-{Guid.NewGuid().ToString("N")[..6]}";
        await wizard.SetNameAsync(name);
        var vm = await wizard.CreateAsync(name);
        await vm.ExpectInteractiveAsync();
        return vm;
    }

    /// <summary>Asserts the recorder saw a step change state on screen while the VM was still being created.</summary>
    public static async Task<IReadOnlyList<StepSeen>> AssertStepsAdvancedLiveAsync(IPage page)
    {
        var seen = await StepsSeenAsync(page);
        var whileProvisioning = seen.Where(s => s.Vm == "Provisioning").ToList();
        Assert.True(whileProvisioning.Count > whileProvisioning.Select(s => s.Step).Distinct().Count(),
            "No step was seen changing state on the page while the VM was being created: "
            + string.Join(", ", seen.Select(s => $"{s.Step}={s.State}@{s.Vm}")));
        return seen;
    }
}
