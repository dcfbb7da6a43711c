using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using Portal.Data.Cluster;

namespace Portal.Web.Features.Consoles;

/// <summary>
/// Console sessions across portal processes. A viewer's session is announced to every process, so the VM's host
/// learns of it wherever it long-polls; when the host's socket reaches another process than the viewer's, the two
/// are joined over the cluster bus by a <see cref="ClusterConsoleSocket"/> in each. A bridged session ends when either
/// side closes, when this process stops hearing the bus (frames may have been lost), or when the process at the
/// other end is no longer listening.
/// </summary>
public sealed class ConsoleBridge : BackgroundService
{
    public const string Topic = "console";

    private readonly IClusterBus _bus;
    private readonly ConsoleBroker _broker;
    private readonly IOptions<ConsoleOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsoleBridge> _logger;
    private readonly ConcurrentDictionary<Guid, ClusterConsoleSocket> _sockets = new();
    private readonly IDisposable _subscription;

    public ConsoleBridge(IClusterBus bus, ConsoleBroker broker, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<ConsoleBridge> logger)
    {
        _bus = bus;
        _broker = broker;
        _options = options;
        _time = time;
        _logger = logger;
        _subscription = bus.Subscribe(Topic, OnMessage);
        bus.Disconnected += FailAll;
    }

    /// <summary>How many sessions this process relays to or from another process right now.</summary>
    public int BridgedSessions => _sockets.Count;

    /// <summary>Tells the other processes that a session here waits for its host.</summary>
    public Task AnnounceAsync(ConsoleSession session) =>
        PublishQuietlyAsync(ConsoleBridgeMessage.Open(session.Id, session.Target));

    /// <summary>Tells the other processes that a session here is over.</summary>
    public Task WithdrawAsync(ConsoleSession session) => PublishQuietlyAsync(ConsoleBridgeMessage.Gone(session.Id));

    /// <summary>The host's socket reached this process for a session whose viewer is in <paramref name="origin"/>: the viewer's end.</summary>
    public async Task<ClusterConsoleSocket> ConnectViewerAsync(ConsoleSession session, Guid origin)
    {
        var viewer = Track(session.Id, origin);
        await PublishQuietlyAsync(ConsoleBridgeMessage.Attach(session.Id, origin));
        return viewer;
    }

    public override void Dispose()
    {
        _bus.Disconnected -= FailAll;
        _subscription.Dispose();
        base.Dispose();
    }

    /// <summary>Ends bridged sessions whose other process stopped listening (it died, or lost the database).</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.PeerCheckInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (_sockets.IsEmpty)
            {
                continue;
            }

            try
            {
                var listening = (await _bus.ListeningProcessesAsync(stoppingToken)).ToHashSet();
                foreach (var socket in _sockets.Values.Where(s => !listening.Contains(s.Peer)))
                {
                    socket.Fail("The portal process at the other end of the console went away.");
                }
            }
            catch (Exception e) when (ClusterDatabase.IsConnectionFailure(e))
            {
                _logger.LogWarning(e, "Could not check which portal processes hold the other ends of bridged consoles");
            }
        }
    }

    private void OnMessage(ClusterMessage message)
    {
        if (message.SenderId == _bus.ProcessId || ConsoleBridgeMessage.Parse(message.Body) is not { } parsed)
        {
            return;
        }

        switch (parsed.Kind)
        {
            case ConsoleBridgeMessage.KindOpen:
                _broker.OpenRemote(parsed.SessionId, parsed.Target!, message.SenderId);
                break;
            case ConsoleBridgeMessage.KindGone:
                _broker.ForgetRemote(parsed.SessionId);
                break;
            case ConsoleBridgeMessage.KindAttach when parsed.To == _bus.ProcessId:
                OnHostAttachedElsewhere(parsed.SessionId, message.SenderId);
                break;
            case ConsoleBridgeMessage.KindFrame when parsed.To == _bus.ProcessId:
                if (_sockets.TryGetValue(parsed.SessionId, out var socket) && socket.Peer == message.SenderId)
                {
                    socket.Deliver(parsed.Frame!);
                }

                break;
        }
    }

    // The host connected to another process for a session whose viewer is here: its end becomes a bridged socket.
    private void OnHostAttachedElsewhere(Guid sessionId, Guid hostProcess)
    {
        var host = Track(sessionId, hostProcess);
        if (_broker.AttachBridged(sessionId, host) is null)
        {
            _ = RefuseAsync(host);
        }
    }

    // The session is over (the viewer left or gave up waiting) or already served: the host's end there closes, saying so.
    private static async Task RefuseAsync(ClusterConsoleSocket host)
    {
        using (host)
        {
            try
            {
                await host.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "The console session is over.", CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // The other process's peer check ends it.
            }
        }
    }

    private ClusterConsoleSocket Track(Guid sessionId, Guid peer)
    {
        var socket = new ClusterConsoleSocket(sessionId, peer, frame => SendAsync(sessionId, peer, frame), Untrack);
        _sockets[sessionId] = socket;
        return socket;
    }

    private void Untrack(ClusterConsoleSocket socket) => _sockets.TryRemove(new KeyValuePair<Guid, ClusterConsoleSocket>(socket.SessionId, socket));

    private async Task SendAsync(Guid sessionId, Guid peer, ConsoleFrame frame)
    {
        try
        {
            await _bus.PublishAsync(Topic, ConsoleBridgeMessage.Traffic(sessionId, peer, frame));
        }
        catch (Exception e) when (ClusterDatabase.IsConnectionFailure(e))
        {
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The portal lost its link to the other portal process.", e);
        }
    }

    private async Task PublishQuietlyAsync(string body)
    {
        try
        {
            await _bus.PublishAsync(Topic, body);
        }
        catch (Exception e) when (ClusterDatabase.IsConnectionFailure(e))
        {
            // Only a host talking to this process can then reach the session; the viewer's wait is bounded.
            _logger.LogWarning(e, "Could not tell the other portal processes about a console session");
        }
    }

    private void FailAll()
    {
        foreach (var socket in _sockets.Values)
        {
            socket.Fail("The portal lost its link to the other portal process.");
        }
    }
}
