using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Portal.E2E.Tests.Security;

/// <summary>
/// Watches one page for injected script: <c>window.__xss(id)</c> calls (what every payload makes), alert dialogs, console
/// errors naming <c>__xss</c>, and — because a Content-Security-Policy can stop an injected handler without the escaping
/// being right — elements built from payload markup, whether or not anything ran.
/// </summary>
public sealed class XssDetector
{
    private const string Install = "window.__xssHits = []; window.__xss = id => window.__xssHits.push(String(id));";

    // Open shadow roots too: Fluent web components render labels and options there.
    private const string FindInjectedElements = """
        () => {
          const found = new Set();
          const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href'];
          const visit = root => {
            for (const el of root.querySelectorAll('*')) {
              for (const a of el.attributes) {
                if ((a.name.startsWith('on') && a.value.includes('__xss'))
                    || (urlAttributes.includes(a.name) && /^\s*javascript:/i.test(a.value))) {
                  found.add(el.outerHTML.slice(0, 200));
                }
              }
              if (el.hasAttribute('data-xss')
                  || (el.localName === 'img' && el.getAttribute('src') === 'x')
                  || (el.localName === 'script' && el.textContent.includes('__xss'))) {
                found.add(el.outerHTML.slice(0, 200));
              }
              if (el.shadowRoot) visit(el.shadowRoot);
            }
          };
          visit(document);
          return [...found];
        }
        """;

    private readonly IPage _page;
    private readonly ConcurrentQueue<string> _dialogs = new();
    private readonly ConcurrentQueue<string> _console = new();

    private XssDetector(IPage page)
    {
        _page = page;
        page.Dialog += async (_, dialog) =>
        {
            _dialogs.Enqueue($"{dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("__xss", StringComparison.Ordinal))
            {
                _console.Enqueue(message.Text);
            }
        };
    }

    /// <summary>Installs the detector in every document the page loads from now on.</summary>
    public static async Task<XssDetector> AttachAsync(IPage page)
    {
        await page.AddInitScriptAsync(Install);
        return new XssDetector(page);
    }

    /// <summary>What the current document shows of injected script so far; empty when it rendered everything as text.</summary>
    public async Task<IReadOnlyList<string>> FindingsAsync()
    {
        // A detector that was never installed would find nothing anywhere.
        Assert.True(await _page.EvaluateAsync<bool>("() => typeof window.__xss === 'function'"), "The XSS detector is not installed in this page.");
        var hits = await _page.EvaluateAsync<string[]>("() => window.__xssHits");
        var elements = await _page.EvaluateAsync<string[]>(FindInjectedElements);
        return
        [
            .. hits.Select(id => $"script ran: __xss('{id}')"),
            .. elements.Select(html => $"element from payload markup: {html}"),
            .. _dialogs.Select(d => $"dialog: {d}"),
            .. _console.Select(c => $"console: {c}"),
        ];
    }

    public async Task AssertCleanAsync(string where)
    {
        var findings = await FindingsAsync();
        Assert.True(findings.Count == 0, $"{where}:{Environment.NewLine}{string.Join(Environment.NewLine, findings)}");
    }
}
