using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Tests.Pages;
using Portal.E2E.Tests.ShieldingData;

namespace Portal.E2E.Tests.VirtualMachines;

/// <summary>The tenant's steps before and around a VM: subscribe, make and upload shielding data, watch steps live.</summary>
internal static class VmSteps
{
    /// <summary>
    /// Records every job step state the page shows (with the VM's state at that moment) from the document's start, so a
    /// test can tell afterwards that steps advanced on screen — however quickly they went by — without polling.
    /// </summary>
    public const string StepRecorder = """
        (() => {
          const seen = [];
          window.__stepsSeen = seen;
          const record = () => {
            const badge = document.querySelector('main [data-testid=vm-state]');
            const vm = badge ? badge.getAttribute('data-state') : '';
            for (const li of document.querySelectorAll('li.step[data-step]')) {
              const entry = { step: li.getAttribute('data-step'), state: li.getAttribute('data-state'), vm };
              if (!seen.some(s => s.step === entry.step && s.state === entry.state && s.vm === entry.vm)) seen.push(entry);
            }
          };
          new MutationObserver(record).observe(document, { subtree: true, childList: true, attributes: true });
        })();
        """;

    public static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..6]}";

    public static async Task SubscribeAsync(IPage page, string planName, string displayName)
    {
        var subscriptions = new SubscriptionsPage(page);
        await subscriptions.OpenAsync();
        await subscriptions.StartSubscribeAsync(planName);
        await subscriptions.SubmitSubscribeAsync(displayName);
        await Assertions.Expect(subscriptions.Message).ToContainTextAsync($"You are now subscribed to {planName} as '{displayName}'.");
    }

    /// <summary>
    /// On the tenant's own machine: downloads the fabric's guardian and the template's catalog, makes a shielding data
    /// file with the tool (policy Shielded, trusting that catalog), and uploads it under <paramref name="friendlyName"/>.
    /// </summary>
    public static async Task MakeAndUploadShieldingDataAsync(IPage page, Tool machine, string templateName, string friendlyName)
    {
        var shielding = new ShieldingDataPage(page);
        await shielding.OpenAsync();
        await shielding.DownloadAsync(shielding.DownloadGuardianLink, machine.PathOf("fabric-guardian.json"));
        await shielding.ChooseCatalogTemplateAsync(templateName);
        await shielding.DownloadAsync(shielding.DownloadCatalogLink, machine.PathOf("template.vsc"));

        machine.Run("guardian", "new", "--name", "Owner key", "--out", machine.PathOf("owner.guardian.json"));
        machine.Write("password.txt", "Tenant-Only-Secret-1!\n");
        machine.Run("pdk", "new", "--owner", machine.PathOf("owner.guardian.json"), "--guardian", machine.PathOf("fabric-guardian.json"),
            "--qualifier", machine.PathOf("template.vsc") + ":GreaterThanOrEquals", "--policy", "Shielded",
            "--admin-password-file", machine.PathOf("password.txt"), "--out", machine.PathOf("vm.pdk"));

        await shielding.UploadAsync(machine.PathOf("vm.pdk"), friendlyName, "For the E2E VM");
        await Assertions.Expect(shielding.Message).ToContainTextAsync($"'{friendlyName}' was uploaded.");
        await Assertions.Expect(shielding.Card(friendlyName).Locator("[data-this-fabric=true]")).ToContainTextAsync("This fabric");
    }

    /// <summary>What the step recorder saw: one entry per (step, state, VM state) combination.</summary>
    public static async Task<IReadOnlyList<StepSeen>> StepsSeenAsync(IPage page) =>
        JsonSerializer.Deserialize<StepSeen[]>(
            await page.EvaluateAsync<string>("() => JSON.stringify(window.__stepsSeen ?? [])"),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
}

public sealed record StepSeen(string Step, string State, string Vm);
