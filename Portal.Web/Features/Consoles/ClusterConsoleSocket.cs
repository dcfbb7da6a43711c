using System.Net.WebSockets;
using System.Threading.Channels;

namespace Portal.Web.Features.Consoles;

/// <summary>
/// The far end of a console session that another portal process holds, as a WebSocket: what is sent here travels over
/// the cluster bus to that process, and what it sends arrives here. So <see cref="ConsoleRelay"/> relays a viewer in
/// one process and a host in another exactly as it relays two sockets of its own, close handshake included.
/// </summary>
public sealed class ClusterConsoleSocket : WebSocket
{
    // What may wait here for a slow reader before the session is closed rather than the process's memory filled.
    public const int MaxQueuedBytes = 1024 * 1024;

    private readonly Channel<ConsoleFrame> _frames = Channel.CreateUnbounded<ConsoleFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<ConsoleFrame, Task> _send;
    private readonly Action<ClusterConsoleSocket> _onDisposed;
    private ConsoleFrame? _partial;
    private int _partialOffset;
    private long _queuedBytes;
    private volatile WebSocketState _state = WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;

    internal ClusterConsoleSocket(Guid sessionId, Guid peer, Func<ConsoleFrame, Task> send, Action<ClusterConsoleSocket> onDisposed)
    {
        SessionId = sessionId;
        Peer = peer;
        _send = send;
        _onDisposed = onDisposed;
    }

    public Guid SessionId { get; }

    /// <summary>The portal process holding the other end.</summary>
    public Guid Peer { get; }

    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    public override string? CloseStatusDescription => _closeDescription;

    public override WebSocketState State => _state;

    public override string? SubProtocol => null;

    /// <summary>A frame from the peer (called on the bus's listener: never blocks).</summary>
    internal void Deliver(ConsoleFrame frame)
    {
        if (frame.IsClose)
        {
            _frames.Writer.TryWrite(frame);
            _frames.Writer.TryComplete();
            return;
        }

        if (Interlocked.Add(ref _queuedBytes, frame.Data.Length) > MaxQueuedBytes)
        {
            Fail("The console's reader fell too far behind.");
            return;
        }

        _frames.Writer.TryWrite(frame);
    }

    /// <summary>Ends the session from this side as if the peer had closed it, with <paramref name="reason"/>.</summary>
    internal void Fail(string reason)
    {
        _frames.Writer.TryWrite(ConsoleFrame.Close(WebSocketCloseStatus.EndpointUnavailable, reason));
        _frames.Writer.TryComplete();
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        if (_partial is null)
        {
            ConsoleFrame frame;
            try
            {
                frame = await _frames.Reader.ReadAsync(cancellationToken);
            }
            catch (ChannelClosedException)
            {
                throw new WebSocketException(WebSocketError.InvalidState, "The console session is closed.");
            }

            if (frame.IsClose)
            {
                _closeStatus = frame.CloseStatus;
                _closeDescription = frame.Reason;
                _state = _state == WebSocketState.CloseSent ? WebSocketState.Closed : WebSocketState.CloseReceived;
                return new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, frame.CloseStatus, frame.Reason);
            }

            Interlocked.Add(ref _queuedBytes, -frame.Data.Length);
            _partial = frame;
            _partialOffset = 0;
        }

        var count = Math.Min(buffer.Count, _partial.Data.Length - _partialOffset);
        _partial.Data.AsSpan(_partialOffset, count).CopyTo(buffer.AsSpan());
        _partialOffset += count;
        var endOfMessage = false;
        if (_partialOffset == _partial.Data.Length)
        {
            endOfMessage = _partial.EndOfMessage;
            _partial = null;
        }

        return new WebSocketReceiveResult(count, WebSocketMessageType.Binary, endOfMessage);
    }

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        if (_state is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            throw new WebSocketException(WebSocketError.InvalidState, "The console session is closed.");
        }

        // Chunks small enough for one bus message each; sent one after another, so they arrive in order.
        var data = buffer.AsMemory();
        do
        {
            var chunk = data[..Math.Min(data.Length, ConsoleFrame.MaxChunkBytes)];
            data = data[chunk.Length..];
            cancellationToken.ThrowIfCancellationRequested();
            await _send(ConsoleFrame.Bytes(chunk.ToArray(), endOfMessage && data.IsEmpty));
        }
        while (!data.IsEmpty);
    }

    public override async Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        if (_state is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        _state = _state == WebSocketState.CloseReceived ? WebSocketState.Closed : WebSocketState.CloseSent;
        await _send(ConsoleFrame.Close(closeStatus, statusDescription ?? ""));
    }

    public override async Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        await CloseOutputAsync(closeStatus, statusDescription, cancellationToken);
        var buffer = new byte[ConsoleFrame.MaxChunkBytes];
        while (_state != WebSocketState.Closed)
        {
            await ReceiveAsync(buffer, cancellationToken);
        }
    }

    public override void Abort()
    {
        var before = _state;
        _state = WebSocketState.Aborted;
        _frames.Writer.TryComplete();
        if (before is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            _ = TellPeerAbortedAsync();
        }
    }

    public override void Dispose()
    {
        if (_state is WebSocketState.Open or WebSocketState.CloseReceived or WebSocketState.CloseSent)
        {
            Abort();
        }

        _onDisposed(this);
    }

    private async Task TellPeerAbortedAsync()
    {
        try
        {
            await _send(ConsoleFrame.Close(WebSocketCloseStatus.EndpointUnavailable, "The other portal process ended the session."));
        }
        catch (WebSocketException)
        {
            // The peer finds out from its own checks that this end is gone.
        }
    }
}
