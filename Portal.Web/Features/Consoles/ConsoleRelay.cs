using System.Net.WebSockets;
using Portal.Core.Fabric.Protocol;

namespace Portal.Web.Features.Consoles;

/// <summary>How a relayed session ended: the close status both ends were given and the reason in words.</summary>
public sealed record ConsoleEnd(WebSocketCloseStatus Status, string Reason);

/// <summary>
/// Copies binary messages between the viewer's socket and the host's until either side closes, then closes the other
/// with the same status and reason. A viewer's message is limited to <see cref="ConsoleLimits.MaxInputMessageBytes"/>.
/// </summary>
public static class ConsoleRelay
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public static async Task<ConsoleEnd> RunAsync(WebSocket viewer, WebSocket host, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(host);
        var fromViewer = CopyAsync(viewer, host, ConsoleLimits.MaxInputMessageBytes, "The viewer", "The VM's host", ct);
        var fromHost = CopyAsync(host, viewer, int.MaxValue, "The VM's host", "The viewer", ct);
        var first = await Task.WhenAny(fromViewer, fromHost);
        var end = first.IsCompletedSuccessfully
            ? first.Result
            : new ConsoleEnd(WebSocketCloseStatus.EndpointUnavailable, ct.IsCancellationRequested ? "The portal is stopping." : "The connection was lost.");

        // The side that closed gets its close answered; the other is asked to close, and its copy ends on its answer.
        // Receives are not cancelled: cancelling a WebSocket receive aborts the socket instead of closing it.
        await Task.WhenAll(CloseAsync(viewer, end), CloseAsync(host, end));
        var other = first == fromViewer ? fromHost : fromViewer;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (await Task.WhenAny(other, Task.Delay(CloseTimeout, wait.Token)) != other)
        {
            viewer.Abort();
            host.Abort();
        }

        await wait.CancelAsync();
        try
        {
            await other;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            // That side ended with the close or the abort.
        }

        return end;
    }

    /// <summary>Closes <paramref name="socket"/> with <paramref name="end"/> if it is still open; never throws.</summary>
    public static async Task CloseAsync(WebSocket socket, ConsoleEnd end)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(end);
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await socket.CloseOutputAsync(end.Status, ConsoleLimits.CloseReason(end.Reason), timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            socket.Abort();
        }
    }

    private static async Task<ConsoleEnd> CopyAsync(WebSocket from, WebSocket to, int maxMessageBytes, string who, string peer, CancellationToken ct)
    {
        var buffer = new byte[Math.Min(ConsoleLimits.MaxOutputMessageBytes, maxMessageBytes)];
        var messageBytes = 0;
        while (true)
        {
            WebSocketReceiveResult received;
            try
            {
                received = await from.ReceiveAsync(buffer, ct);
            }
            catch (Exception e) when (e is WebSocketException or InvalidOperationException or ObjectDisposedException)
            {
                return new ConsoleEnd(WebSocketCloseStatus.EndpointUnavailable, $"{who} disconnected.");
            }

            if (received.MessageType == WebSocketMessageType.Close)
            {
                var reason = string.IsNullOrWhiteSpace(received.CloseStatusDescription)
                    ? $"{who} closed the session."
                    : ConsoleLimits.CloseReason(received.CloseStatusDescription);
                return new ConsoleEnd(received.CloseStatus ?? WebSocketCloseStatus.NormalClosure, reason);
            }

            var total = messageBytes + received.Count;
            messageBytes = received.EndOfMessage ? 0 : total;
            if (total > maxMessageBytes)
            {
                return new ConsoleEnd(WebSocketCloseStatus.MessageTooBig, $"Console input is limited to {maxMessageBytes} bytes per message.");
            }

            try
            {
                await to.SendAsync(buffer.AsMemory(0, received.Count), WebSocketMessageType.Binary, received.EndOfMessage, ct);
            }
            catch (Exception e) when (e is WebSocketException or InvalidOperationException or ObjectDisposedException)
            {
                return new ConsoleEnd(WebSocketCloseStatus.EndpointUnavailable, $"{peer} disconnected.");
            }
        }
    }
}
