using System.Text;

namespace Portal.Web.Infrastructure.Operations;

/// <summary>
/// What a first start has to tell the person who started the portal (the first admin's password, the seeded offer),
/// collected during start-up and written once as one framed block by <see cref="FirstStartBannerWriter"/>, after the
/// start-up logs settled. Deliberately the console and never the logger: the password must not reach a log sink.
/// </summary>
public sealed class FirstStartBanner
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<Task> _startUps = [];

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _lines.Count == 0;
            }
        }
    }

    /// <summary>Start-up work (e.g. the embedded hosts starting) whose log lines should come before the banner.</summary>
    public void WaitFor(Task startUp)
    {
        lock (_lock)
        {
            _startUps.Add(startUp);
        }
    }

    internal Task StartUps()
    {
        lock (_lock)
        {
            return Task.WhenAll(_startUps);
        }
    }

    /// <summary>Adds a section: a title and its indented lines.</summary>
    public void Add(string title, params IEnumerable<string> lines)
    {
        lock (_lock)
        {
            _lines.Add("");
            _lines.Add(title);
            _lines.AddRange(lines.Select(l => "  " + l));
        }
    }

    /// <summary>The framed block: where the portal listens, then every section.</summary>
    public string Render(IEnumerable<string> addresses)
    {
        List<string> lines;
        lock (_lock)
        {
            lines = ["TenantPortal is running at " + string.Join(", ", addresses), .. _lines];
        }

        var width = lines.Max(l => l.Length);
        var rule = "+" + new string('=', width + 4) + "+";
        var text = new StringBuilder().AppendLine().AppendLine(rule);
        foreach (var line in lines)
        {
            text.Append("|  ").Append(line.PadRight(width)).AppendLine("  |");
        }

        return text.AppendLine(rule).AppendLine().ToString();
    }
}
