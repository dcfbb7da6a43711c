using System.Net.WebSockets;

namespace Portal.Web.Features.Consoles;

/// <summary>One piece of a bridged console session: bytes (a message's chunk) or the close.</summary>
internal sealed record ConsoleFrame(byte[] Data, bool EndOfMessage, WebSocketCloseStatus? CloseStatus, string? Reason)
{
    // Base64 of this fits one cluster message with room for the header.
    public const int MaxChunkBytes = 4096;

    public bool IsClose => CloseStatus is not null;

    public static ConsoleFrame Bytes(byte[] data, bool endOfMessage) => new(data, endOfMessage, null, null);

    public static ConsoleFrame Close(WebSocketCloseStatus status, string reason) => new([], true, status, reason);
}
