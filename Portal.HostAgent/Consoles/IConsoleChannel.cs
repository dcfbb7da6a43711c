using System.Net.WebSockets;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Consoles;

/// <summary>How the agent reaches the portal's console relay; only outbound calls.</summary>
public interface IConsoleChannel
{
    /// <summary>Long-polls for the next console request; null when none came within <paramref name="wait"/>.</summary>
    Task<ConsoleRequest?> NextAsync(TimeSpan wait, CancellationToken ct);

    /// <summary>Opens this host's end of the session as a WebSocket.</summary>
    Task<WebSocket> ConnectAsync(Guid sessionId, CancellationToken ct);
}
