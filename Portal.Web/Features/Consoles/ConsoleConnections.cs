using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;

namespace Portal.Web.Features.Consoles;

/// <summary>
/// Runs both ends of a console session over accepted WebSockets: the viewer's (opens the session, waits a bounded time
/// for the host, relays, audits) and the host's (attaches to the session and stays until the relay is over; for a
/// viewer in another portal process, relays to it over <see cref="ConsoleBridge"/>).
/// </summary>
public sealed class ConsoleConnections(
    ConsoleBroker broker,
    ConsoleBridge bridge,
    ConsoleAccess access,
    IOptions<ConsoleOptions> options,
    TimeProvider time,
    ILogger<ConsoleConnections> logger)
{
    public async Task RunViewerAsync(WebSocket viewer, ConsoleTarget target, AuditActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(target);
        var session = broker.Open(target);
        var opened = time.GetUtcNow();
        var end = new ConsoleEnd(WebSocketCloseStatus.EndpointUnavailable, "The console closed.");
        logger.LogInformation("Console session {SessionId} opened for VM {VmId} on host {HostId}", session.Id, target.VmId, target.HostId);
        try
        {
            await access.OpenedAsync(target, actor, session.Id, ct);
            await bridge.AnnounceAsync(session);
            var wait = options.Value.AgentWait;
            WebSocket host;
            try
            {
                host = await session.AgentArrived.WaitAsync(wait, time, ct);
            }
            catch (TimeoutException)
            {
                end = new ConsoleEnd(WebSocketCloseStatus.EndpointUnavailable,
                    $"The VM's host did not connect within {wait.TotalSeconds:0.#} s. Try again later.");
                await ConsoleRelay.CloseAsync(viewer, end);
                return;
            }

            end = await ConsoleRelay.RunAsync(viewer, host, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            end = new ConsoleEnd(WebSocketCloseStatus.EndpointUnavailable, "The viewer disconnected.");
        }
        finally
        {
            broker.Close(session);

            // A host end bridged from another process belongs to this request (a local one, to the host's request),
            // also when it arrived just as the wait for it ran out.
            if (session.AgentArrived is { IsCompletedSuccessfully: true, Result: ClusterConsoleSocket bridged })
            {
                bridged.Dispose();
            }

            await bridge.WithdrawAsync(session);
            var duration = time.GetUtcNow() - opened;
            logger.LogInformation("Console session {SessionId} closed after {Duration}: {Reason}", session.Id, duration, end.Reason);
            await access.ClosedAsync(target, actor, session.Id, duration, end.Reason, CancellationToken.None);
        }
    }

    /// <summary>False when there is no such session waiting for this host (another host's, gone, or already connected).</summary>
    public bool IsWaiting(Guid sessionId, Guid hostId) => broker.IsWaitingFor(sessionId, hostId);

    public async Task RunHostAsync(WebSocket host, Guid sessionId, Guid hostId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        var session = broker.Attach(sessionId, hostId, host);
        if (session is null)
        {
            await ConsoleRelay.CloseAsync(host, new ConsoleEnd(WebSocketCloseStatus.PolicyViolation, "No such console session is waiting for this host."));
            return;
        }

        if (session.Origin is { } viewerProcess)
        {
            await RunBridgedHostAsync(host, session, viewerProcess, ct);
            return;
        }

        try
        {
            // The socket belongs to this request: it must stay open until the viewer's side has finished with it.
            await session.Finished.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The host went away; the viewer's relay sees its socket end.
        }
    }

    // The viewer is in another process, which audits the session: relay between the host and the viewer's end there.
    private async Task RunBridgedHostAsync(WebSocket host, ConsoleSession session, Guid viewerProcess, CancellationToken ct)
    {
        try
        {
            using var viewer = await bridge.ConnectViewerAsync(session, viewerProcess);
            var end = await ConsoleRelay.RunAsync(viewer, host, ct);
            logger.LogInformation("Console session {SessionId} relayed to portal process {ProcessId} closed: {Reason}", session.Id, viewerProcess, end.Reason);
        }
        finally
        {
            broker.Close(session);
        }
    }
}
