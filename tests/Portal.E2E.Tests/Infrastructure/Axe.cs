using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Portal.E2E.Tests.Infrastructure;

/// <summary>Runs axe-core on the current page and describes what it found, one line per offending node.</summary>
public static class Axe
{
    public static async Task<AxeResult> RunAsync(IPage page, string pageName, Action<string> log)
    {
        var result = await page.RunAxe();
        log(Describe(pageName, result.Violations));

        // An axe that evaluated nothing would pass every page.
        Assert.NotEmpty(result.Passes);
        return result;
    }

    public static void AssertNone(AxeResult result, string pageName, params string[] impacts)
    {
        var found = result.Violations.Where(v => impacts.Contains(v.Impact)).ToArray();
        Assert.True(found.Length == 0, Describe(pageName, found));
    }

    /// <summary>
    /// Fluent v5's radio declares its role through ElementInternals, which axe-core does not read; the radio group's
    /// script then puts aria-posinset/aria-setsize on the element, so axe sees those on a role-less element. Chromium's
    /// accessibility tree has the radio role, so only this exact finding on fluent-radio elements is set aside.
    /// </summary>
    public static AxeResultItem[] WithoutFluentRadioPositions(AxeResultItem[] violations) =>
        [.. violations.Where(v => !(v.Id == "aria-allowed-attr" && v.Nodes.All(n => n.Html.StartsWith("<fluent-radio ", StringComparison.Ordinal))))];

    public static void AssertNone(AxeResultItem[] violations, string pageName, params string[] impacts)
    {
        var found = violations.Where(v => impacts.Contains(v.Impact)).ToArray();
        Assert.True(found.Length == 0, Describe(pageName, found));
    }

    public static string Describe(string pageName, AxeResultItem[] violations)
    {
        if (violations.Length == 0)
        {
            return $"axe on {pageName}: no violations";
        }

        var lines = violations.Select(v =>
            $"  [{v.Impact}] {v.Id}: {v.Help}{Environment.NewLine}"
            + string.Join(Environment.NewLine, v.Nodes.Select(n => $"      {n.Target} {n.Html}")));
        return $"axe on {pageName}: {violations.Length} violations{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
