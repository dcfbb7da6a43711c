using System.Net.WebSockets;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Consoles;

/// <summary>
/// Copies a VM's serial console between its stream and the portal's WebSocket until either side ends: guest output as
/// binary messages of at most <see cref="ConsoleLimits.MaxOutputMessageBytes"/>, each message from the portal as
/// keystrokes. Returns why it ended.
/// </summary>
public static class ConsolePump
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public static async Task<string> RunAsync(Stream console, WebSocket socket, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(socket);
        using var stopOutput = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var output = GuestToPortalAsync(console, socket, stopOutput.Token);

        // The receive is not cancelled when the guest side ends: that would abort the socket instead of closing it.
        var input = PortalToGuestAsync(socket, console, ct);
        var first = await Task.WhenAny(output, input);
        var (status, reason) = first.IsCompletedSuccessfully
            ? first.Result
            : (WebSocketCloseStatus.InternalServerError, ct.IsCancellationRequested ? "The host agent is stopping." : "The VM's console failed.");
        await CloseAsync(socket, status, reason);
        if (first == output)
        {
            // Wait for the portal to answer the close; the receive loop ends on it.
            if (await Task.WhenAny(input, Task.Delay(CloseTimeout, ct)) != input)
            {
                socket.Abort();
            }
        }
        else
        {
            await stopOutput.CancelAsync();
        }

        // The other direction may still be blocked in a read that ends only when the caller disposes the console stream.
        var other = first == output ? input : output;
        _ = other.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return reason;
    }

    public static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await socket.CloseOutputAsync(status, ConsoleLimits.CloseReason(reason), timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            socket.Abort();
        }
    }

    private static async Task<(WebSocketCloseStatus, string)> GuestToPortalAsync(Stream console, WebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[ConsoleLimits.MaxOutputMessageBytes];
        while (true)
        {
            var read = await console.ReadAsync(buffer, ct);
            if (read == 0)
            {
                return (WebSocketCloseStatus.NormalClosure, "The VM's console ended (the VM stopped).");
            }

            await socket.SendAsync(buffer.AsMemory(0, read), WebSocketMessageType.Binary, endOfMessage: true, ct);
        }
    }

    private static async Task<(WebSocketCloseStatus, string)> PortalToGuestAsync(WebSocket socket, Stream console, CancellationToken ct)
    {
        var buffer = new byte[ConsoleLimits.MaxInputMessageBytes];
        while (true)
        {
            WebSocketReceiveResult received;
            try
            {
                received = await socket.ReceiveAsync(buffer, ct);
            }
            catch (Exception e) when (e is WebSocketException or InvalidOperationException or ObjectDisposedException)
            {
                return (WebSocketCloseStatus.EndpointUnavailable, "The portal connection was lost.");
            }

            if (received.MessageType == WebSocketMessageType.Close)
            {
                return (received.CloseStatus ?? WebSocketCloseStatus.NormalClosure, received.CloseStatusDescription ?? "The viewer closed the console.");
            }

            await console.WriteAsync(buffer.AsMemory(0, received.Count), ct);
            await console.FlushAsync(ct);
        }
    }
}
