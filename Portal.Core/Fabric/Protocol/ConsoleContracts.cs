namespace Portal.Core.Fabric.Protocol;

/// <summary>
/// Paths of the console relay as agents use it. The agent long-polls <see cref="Next"/>; for each request it opens a
/// WebSocket to <see cref="Session"/> (outbound, authenticated as the host) and pumps the VM's serial console through it.
/// </summary>
public static class ConsoleRoutes
{
    public const string Base = FabricRoutes.Base + "/consoles";

    /// <summary>GET <c>?waitSeconds=N</c>: 200 with a <see cref="ConsoleRequest"/>, or 204 when none arrived in time.</summary>
    public const string Next = Base + "/next";

    /// <summary>GET as a WebSocket upgrade: this host's end of one console session.</summary>
    public static string Session(Guid sessionId) => $"{Base}/{sessionId}";
}

/// <summary>A viewer asked for the serial console of <paramref name="VmId"/>, which the portal believes runs on this host.</summary>
public sealed record ConsoleRequest(Guid SessionId, Guid VmId, string VmName);

/// <summary>The limits both ends of the console relay keep.</summary>
public static class ConsoleLimits
{
    /// <summary>Largest message the agent sends (guest output is cut into chunks of at most this).</summary>
    public const int MaxOutputMessageBytes = 16 * 1024;

    /// <summary>Largest message a viewer may send (keystrokes or a paste); a larger one closes the session.</summary>
    public const int MaxInputMessageBytes = 4 * 1024;

    /// <summary>
    /// WebSocket close reasons are at most 123 bytes of UTF-8; longer ones are cut here rather than refused by the socket.
    /// </summary>
    public static string CloseReason(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        const int max = 123;

        // A reason may come from the other end: it is shown, logged and audited as one line of text.
        reason = string.Concat(reason.Select(c => char.IsControl(c) ? ' ' : c));
        if (System.Text.Encoding.UTF8.GetByteCount(reason) <= max)
        {
            return reason;
        }

        var cut = reason;
        while (System.Text.Encoding.UTF8.GetByteCount(cut) > max - 3)
        {
            cut = cut[..^1];
        }

        return cut + "...";
    }
}
