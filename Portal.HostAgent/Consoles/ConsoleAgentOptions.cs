using System.ComponentModel.DataAnnotations;

namespace Portal.HostAgent.Consoles;

/// <summary>How the agent serves VM consoles (<c>HostAgent:Consoles</c>).</summary>
public sealed class ConsoleAgentOptions
{
    public const string SectionName = "HostAgent:Consoles";

    /// <summary>How long one long poll for console requests waits at the portal.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan PollWait { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The bound on opening a session's WebSocket to the portal.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many consoles this host serves at once; further requests are closed with that reason.</summary>
    [Range(1, 1000)]
    public int MaxSessions { get; set; } = 32;
}
