using System.Net.WebSockets;
using System.Threading.Channels;
using Portal.Core.Fabric.Protocol;
using Portal.HostAgent.Consoles;
using Portal.Testing;

namespace Portal.HostAgent.Tests.Consoles;

/// <summary>The portal's console relay as the agent sees it: requests the test queues, and the agent's end of a socket pair per session.</summary>
public sealed class FakeConsoleChannel : IConsoleChannel, IDisposable
{
    private readonly Channel<ConsoleRequest> _requests = Channel.CreateUnbounded<ConsoleRequest>();
    private readonly Dictionary<Guid, SocketPair> _pairs = [];
    private readonly Lock _lock = new();

    public int Polls;

    public void Queue(ConsoleRequest request) => _requests.Writer.TryWrite(request);

    /// <summary>The portal's end of <paramref name="sessionId"/>, once the agent connected (the pair exists from then on).</summary>
    public WebSocket? PortalEnd(Guid sessionId)
    {
        lock (_lock)
        {
            return _pairs.TryGetValue(sessionId, out var pair) ? pair.Server : null;
        }
    }

    public async Task<ConsoleRequest?> NextAsync(TimeSpan wait, CancellationToken ct)
    {
        Interlocked.Increment(ref Polls);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        try
        {
            return await _requests.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<WebSocket> ConnectAsync(Guid sessionId, CancellationToken ct)
    {
        var pair = await SocketPair.ConnectAsync();
        lock (_lock)
        {
            _pairs[sessionId] = pair;
        }

        return pair.Client;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var pair in _pairs.Values)
            {
                pair.Dispose();
            }
        }
    }
}
