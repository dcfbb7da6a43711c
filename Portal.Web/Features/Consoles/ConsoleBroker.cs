using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric.Protocol;

namespace Portal.Web.Features.Consoles;

/// <summary>
/// Pairs a viewer's WebSocket with the WebSocket the VM's host opens for it. The viewer's request opens a session; the
/// host learns of it by long-polling <see cref="NextAsync"/> and connects to it (hosts only connect out). Sessions of
/// viewers in other portal processes are here too (<see cref="OpenRemote"/>): the host may poll and connect anywhere,
/// and <see cref="ConsoleBridge"/> joins the ends.
/// </summary>
public sealed class ConsoleBroker(IOptions<ConsoleOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, ConsoleSession> _sessions = [];
    private readonly Dictionary<Guid, TaskCompletionSource> _wakeups = [];

    public ConsoleSession Open(ConsoleTarget target)
    {
        var session = new ConsoleSession(Guid.NewGuid(), target, time.GetUtcNow());
        TaskCompletionSource? wake;
        lock (_lock)
        {
            _sessions[session.Id] = session;
            _wakeups.Remove(target.HostId, out wake);
        }

        wake?.TrySetResult();
        return session;
    }

    /// <summary>A session whose viewer is in portal process <paramref name="origin"/>; it waits here as long as a viewer waits.</summary>
    public void OpenRemote(Guid sessionId, ConsoleTarget target, Guid origin)
    {
        var session = new ConsoleSession(sessionId, target, time.GetUtcNow()) { Origin = origin };
        TaskCompletionSource? wake;
        lock (_lock)
        {
            if (!_sessions.TryAdd(sessionId, session))
            {
                return;
            }

            _wakeups.Remove(target.HostId, out wake);
        }

        wake?.TrySetResult();
    }

    /// <summary>The viewer's process says the session is over: drop it here unless its host is already relayed here.</summary>
    public void ForgetRemote(Guid sessionId)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(sessionId, out var session) && session.Origin is not null && !session.HasAgent)
            {
                _sessions.Remove(sessionId);
            }
        }
    }

    /// <summary>The host connected to another process: <paramref name="host"/> is its end, bridged; null when too late.</summary>
    public ConsoleSession? AttachBridged(Guid sessionId, WebSocket host)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(sessionId, out var session) && session.Origin is null && session.TryAttach(host)
                ? session
                : null;
        }
    }

    /// <summary>The next console request for <paramref name="hostId"/>, waiting up to <paramref name="wait"/> (capped); null when none came.</summary>
    public async Task<ConsoleRequest?> NextAsync(Guid hostId, TimeSpan wait, CancellationToken ct)
    {
        var max = options.Value.NextWaitMax;
        var deadline = time.GetUtcNow() + (wait < max ? wait : max);
        while (true)
        {
            Task woken;
            lock (_lock)
            {
                DropExpiredRemote();
                var pending = _sessions.Values
                    .Where(s => s.Target.HostId == hostId && !s.Requested)
                    .OrderBy(s => s.OpenedAt)
                    .FirstOrDefault();
                if (pending is not null)
                {
                    pending.Requested = true;
                    return new ConsoleRequest(pending.Id, pending.Target.VmId, pending.Target.VmName);
                }

                if (!_wakeups.TryGetValue(hostId, out var source))
                {
                    source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _wakeups[hostId] = source;
                }

                woken = source.Task;
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                await woken.WaitAsync(remaining, time, ct);
            }
            catch (TimeoutException)
            {
                // One last look, then "nothing".
            }
        }
    }

    /// <summary>
    /// The host's end arrives: the session if it is still open, belongs to a VM on <paramref name="hostId"/> and has no
    /// host end yet; otherwise null (another host, a viewer who left, or a second connection).
    /// </summary>
    public ConsoleSession? Attach(Guid sessionId, Guid hostId, WebSocket agent)
    {
        lock (_lock)
        {
            if (!_sessions.TryGetValue(sessionId, out var session) || session.Target.HostId != hostId || !session.TryAttach(agent))
            {
                return null;
            }

            return session;
        }
    }

    /// <summary>True when a session for <paramref name="hostId"/> with this id is open and waiting for its host.</summary>
    public bool IsWaitingFor(Guid sessionId, Guid hostId)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(sessionId, out var session) && session.Target.HostId == hostId && !session.HasAgent;
        }
    }

    public void Close(ConsoleSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_lock)
        {
            _sessions.Remove(session.Id);
        }

        session.Finish();
    }

    // A remote session whose withdrawal was lost would otherwise stay; no viewer waits longer than AgentWait.
    private void DropExpiredRemote()
    {
        var oldest = time.GetUtcNow() - options.Value.AgentWait;
        foreach (var expired in _sessions.Values.Where(s => s.Origin is not null && !s.HasAgent && s.OpenedAt < oldest).ToList())
        {
            _sessions.Remove(expired.Id);
        }
    }

    /// <summary>How many sessions are open (viewers connected or waiting for their host).</summary>
    public int OpenSessions
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }
}

/// <summary>One viewer's console: the host's socket once it arrived, and the end both requests wait for.</summary>
public sealed class ConsoleSession(Guid id, ConsoleTarget target, DateTimeOffset openedAt)
{
    private readonly TaskCompletionSource<WebSocket> _agent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Guid Id { get; } = id;

    public ConsoleTarget Target { get; } = target;

    public DateTimeOffset OpenedAt { get; } = openedAt;

    /// <summary>The portal process where the viewer is, when not this one.</summary>
    public Guid? Origin { get; init; }

    /// <summary>Handed to the host by a long poll; not handed out twice.</summary>
    internal bool Requested { get; set; }

    internal bool HasAgent => _agent.Task.IsCompleted;

    /// <summary>Completes with the host's socket when it connects.</summary>
    public Task<WebSocket> AgentArrived => _agent.Task;

    /// <summary>Completes when the relay is over; the host's request keeps its socket open until then.</summary>
    public Task Finished => _finished.Task;

    internal bool TryAttach(WebSocket agent) => _agent.TrySetResult(agent);

    internal void Finish()
    {
        _agent.TrySetCanceled();
        _finished.TrySetResult();
    }
}
