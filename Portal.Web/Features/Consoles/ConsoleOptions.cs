using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Consoles;

/// <summary>How the console relay waits for hosts (<c>Consoles</c>).</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Consoles";

    /// <summary>How long a viewer waits for the VM's host to connect before the session closes with that reason.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AgentWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest an agent's long poll for console requests waits before answering 204.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan NextWaitMax { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How often a console relayed to another portal process checks that the process is still there.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PeerCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
