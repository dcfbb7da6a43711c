using Portal.Core.Fabric.Protocol;
using Portal.E2E.Tests.Infrastructure;
using Xunit.Abstractions;
using static Portal.E2E.Tests.VirtualMachines.VmSteps;

namespace Portal.E2E.Tests.ScaleOut;

/// <summary>A browser on one portal process sees, live, the steps the hosts report through the other.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class LiveAcrossPortalsTests(ScaleOutPortalFixture portal, ITestOutputHelper output)
    : BrowserTest(portal), IClassFixture<ScaleOutPortalFixture>
{
    [Fact]
    public async Task StepsReportedThroughOneProcess_AppearLiveInABrowserOnTheOther()
    {
        // nginx's ip_hash sends every loopback client, the hosts' agents included, to one process: they report through it.
        using var probe = new HttpClient { BaseAddress = portal.Proxy.Address };
        using var answer = await probe.GetAsync("/favicon.svg");
        var reporting = portal.ServedBy(string.Join(",", answer.Headers.GetValues(ReverseProxy.UpstreamHeader)));
        var watching = portal.Other(reporting);
        output.WriteLine($"Hosts report through {reporting}; the browser is on {watching}.");

        var offer = await portal.PublishOfferAsync(Unique("Live"));
        var page = await NewPageAsync(watching.Url);
        var vm = await TenantVm.SignUpAndCreateAsync(page, offer);
        await page.EvaluateAsync("() => window.__sameDocument = true");

        await vm.ExpectStateAsync("Running", 60_000);
        var seen = await TenantVm.AssertStepsAdvancedLiveAsync(page);
        output.WriteLine("Steps seen: " + string.Join(", ", seen.Select(s => $"{s.Step}={s.State}@{s.Vm}")));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");
        await vm.ExpectNoCircuitErrorAsync();

        // No report reached the watching process other than through the bus between the processes.
        var agentRequests = portal.Proxy.Requests().Where(r => r.Path.StartsWith(FabricRoutes.Base, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(agentRequests);
        Assert.All(agentRequests, r => Assert.Equal(reporting.Url.Authority, r.Upstream));
    }
}
