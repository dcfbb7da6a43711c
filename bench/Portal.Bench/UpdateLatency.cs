using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Portal.Web.Features.VirtualMachines;

namespace Portal.Bench;

/// <summary>Latencies from a change to a sampled page's DOM showing it, and the changes that did not show in time.</summary>
public sealed record UpdateLatencies(int Circuits, int Changes, int PagesSampled, IReadOnlyList<double> FromRequestMs, IReadOnlyList<double> FromAnswerMs, int NotShown);

/// <summary>
/// With the VM list open in many pages, creates a VM through the API and measures, in a sample of those pages, when
/// the new row appears: a MutationObserver set up before the change records the wall clock (the same clock as this
/// process's) when the row's <c>[data-vm]</c> element is in the DOM. Every open page's circuit gets the change (they all
/// show the one tenant's VMs), so each change makes every circuit reload the list: the sample measures under that load.
/// </summary>
public static class UpdateLatency
{
    public const int Changes = 5;

    public const int SampledPages = 20;

    private static readonly TimeSpan ShowTimeout = TimeSpan.FromSeconds(60);

    private const string Watch = """
        name => {
            const shown = () => document.querySelector(`[data-vm="${name}"]`) !== null;
            window.__benchShown = new Promise(resolve => {
                const done = () => resolve(performance.timeOrigin + performance.now());
                if (shown()) { done(); return; }
                const observer = new MutationObserver(() => { if (shown()) { observer.disconnect(); done(); } });
                observer.observe(document.body, { childList: true, subtree: true });
            });
        }
        """;

    public static async Task<UpdateLatencies> MeasureAsync(
        IReadOnlyList<IPage> pages, HttpClient tenantApi, BenchOffer offer, Guid subscriptionId, CancellationToken ct)
    {
        var sample = Enumerable.Range(0, Math.Min(SampledPages, pages.Count)).Select(i => pages[i * pages.Count / Math.Min(SampledPages, pages.Count)]).ToList();
        var fromRequest = new List<double>();
        var fromAnswer = new List<double>();
        var notShown = 0;
        for (var change = 1; change <= Changes; change++)
        {
            var name = $"probe-{pages.Count}-{change}";
            await Task.WhenAll(sample.Select(p => p.EvaluateAsync(Watch, name)));

            var sent = NowMs();
            using (var response = await tenantApi.PostAsJsonAsync("/api/v1/vms",
                new CreateVmRequest(subscriptionId, name, offer.TemplateId, offer.SizeId, false), PortalSetup.Json, ct))
            {
                await PortalSetup.EnsureAsync(response, HttpStatusCode.Accepted, ct);
            }

            var answered = NowMs();
            var shownAt = await Task.WhenAll(sample.Select(p => ShownAsync(p, ct)));
            Console.Error.WriteLine(FormattableString.Invariant(
                $"[bench]   change {change}: answered in {answered - sent:0} ms, shown in {shownAt.Count(s => s is not null)} of {sample.Count} pages, the last {shownAt.Max() - sent:0} ms after the request"));
            foreach (var shown in shownAt)
            {
                if (shown is { } at)
                {
                    fromRequest.Add(at - sent);
                    fromAnswer.Add(at - answered);
                }
                else
                {
                    notShown++;
                }
            }
        }

        fromRequest.Sort();
        fromAnswer.Sort();
        return new UpdateLatencies(pages.Count, Changes, sample.Count, fromRequest, fromAnswer, notShown);
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<double?> ShownAsync(IPage page, CancellationToken ct)
    {
        var shown = page.EvaluateAsync<double>("() => window.__benchShown");
        var first = await Task.WhenAny(shown, Task.Delay(ShowTimeout, ct));
        return first == shown ? await shown : null;
    }

    private static double NowMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
}
