using System.ComponentModel.DataAnnotations;

namespace Portal.HostAgent;

public sealed class HostAgentOptions
{
    public const string SectionName = "HostAgent";

    /// <summary>The portal's base address; the agent only ever connects out to it.</summary>
    [Required]
    public Uri PortalUrl { get; set; } = new("http://localhost:5080");

    [Required]
    [StringLength(63, MinimumLength = 1)]
    public string HostName { get; set; } = Environment.MachineName;

    [Required]
    public string DataFolder { get; set; } = "agent-data";
}
