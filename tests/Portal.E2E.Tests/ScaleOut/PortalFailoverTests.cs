using Microsoft.Playwright;
using Portal.E2E.Tests.Infrastructure;
using Portal.E2E.Tests.Pages;
using Xunit.Abstractions;
using static Portal.E2E.Tests.VirtualMachines.VmSteps;

namespace Portal.E2E.Tests.ScaleOut;

/// <summary>A portal process dies while a tenant watches a job: the browser carries on with the other one, through the proxy.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class PortalFailoverTests(ScaleOutPortalFixture portal, ITestOutputHelper output)
    : BrowserTest(portal), IClassFixture<ScaleOutPortalFixture>
{
    [Fact]
    public async Task PortalServingTheBrowser_KilledMidJob_BrowserGoesOnWithTheOther_StillSignedIn_AndSeesTheStepsLive()
    {
        // The process holding a circuit is the one that answered its SignalR negotiation.
        var negotiatedWith = new List<string>();
        Page.Response += (_, response) =>
        {
            if (response.Url.Contains("/_blazor/negotiate", StringComparison.Ordinal)
                && response.Headers.TryGetValue(ReverseProxy.UpstreamHeader.ToLowerInvariant(), out var upstream))
            {
                lock (negotiatedWith)
                {
                    negotiatedWith.Add(upstream);
                }
            }
        };

        var offer = await portal.PublishOfferAsync(Unique("Failover"));
        var vm = await TenantVm.SignUpAndCreateAsync(Page, offer);
        var vmUrl = Page.Url;

        // Mid-job: a step done, the job under way. The hosts then hold still, so the job outlives the failover.
        await Assertions.Expect(vm.Job.Locator("li.step[data-state=Succeeded]").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var paused = portal.Agents.Select(a => a.Pause()).ToList();
        try
        {
            await Assertions.Expect(vm.Job).ToBeVisibleAsync();
            var before = await StepStatesAsync(vm);
            output.WriteLine($"Steps when the portal died: {before}");

            var victim = portal.ServedBy(Last(negotiatedWith));
            var survivor = portal.Other(victim);
            output.WriteLine($"The browser's circuit is on {victim}; killing it. {survivor} remains.");
            var reloaded = Page.WaitForResponseAsync(
                r => r.Request.IsNavigationRequest && r.Request.Frame == Page.MainFrame, new() { Timeout = 60_000 });
            await victim.Process.KillAsync();

            // Blazor's reconnect reaches the survivor through the proxy, which does not know the circuit; the page reloads.
            var document = await reloaded;
            Assert.Equal(vmUrl, document.Url);
            Assert.Equal(200, document.Status);
            Assert.Equal(survivor, portal.ServedBy(await document.HeaderValueAsync(ReverseProxy.UpstreamHeader) ?? ""));
            await vm.ExpectInteractiveAsync();
            Assert.Equal(survivor, portal.ServedBy(Last(negotiatedWith)));

            // Still signed in (the cookie works on the survivor), the VM still being created, no error anywhere.
            Assert.Equal(vmUrl, Page.Url);
            await Assertions.Expect(vm.UserName).ToBeVisibleAsync();
            await vm.ExpectStateAsync("Provisioning");
            await Assertions.Expect(vm.Job).ToBeVisibleAsync();
            await vm.ExpectNoCircuitErrorAsync();
            await Page.EvaluateAsync("() => window.__sameDocument = true");
        }
        finally
        {
            paused.ForEach(p => p.Dispose());
        }

        // The hosts go on, reporting through the proxy to the survivor; the page follows live to the end.
        await vm.ExpectStateAsync("Running", 60_000);
        var seen = await TenantVm.AssertStepsAdvancedLiveAsync(Page);
        output.WriteLine("Steps seen after the failover: " + string.Join(", ", seen.Select(s => $"{s.Step}={s.State}@{s.Vm}")));
        Assert.True(await Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded again after the failover.");
        await Assertions.Expect(vm.History.First).ToContainTextAsync("Succeeded");
        await vm.ExpectNoCircuitErrorAsync();
    }

    private static string Last(List<string> upstreams)
    {
        lock (upstreams)
        {
            return upstreams.Count > 0 ? upstreams[^1] : throw new InvalidOperationException("No Blazor circuit was negotiated through the proxy.");
        }
    }

    private static async Task<string> StepStatesAsync(VirtualMachinePage vm) =>
        string.Join(", ", await vm.Steps.EvaluateAllAsync<string[]>(
            "steps => steps.map(s => s.getAttribute('data-step') + '=' + s.getAttribute('data-state'))"));
}
