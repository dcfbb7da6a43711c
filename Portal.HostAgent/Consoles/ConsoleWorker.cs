using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric.Protocol;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Hypervisor;

namespace Portal.HostAgent.Consoles;

/// <summary>
/// Serves VM serial consoles without anything connecting in to the host: long-polls the portal for console requests
/// and, for each, opens the VM's console from the hypervisor and a WebSocket out to the portal, and pumps bytes between
/// them until either side closes. A VM that is not here or not running is answered by closing with the reason.
/// </summary>
public sealed class ConsoleWorker(
    IConsoleChannel portal,
    IHypervisorDriver driver,
    HostAgentStatus status,
    HostCredentialStore store,
    IOptions<ConsoleAgentOptions> options,
    IOptions<HostAgentOptions> agent,
    TimeProvider time,
    ILogger<ConsoleWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, Task> _sessions = new();
    private int _active;

    /// <summary>How many consoles this host is serving now.</summary>
    public int ActiveSessions => Volatile.Read(ref _active);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (await WaitUntilJoinedAsync(stoppingToken))
            {
                await RunAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before the host joined.
        }
    }

    /// <summary>Polls and serves until <paramref name="ct"/> ends or the portal refuses this host (401); then waits for open sessions.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (await portal.NextAsync(options.Value.PollWait, ct) is { } request)
                {
                    _sessions[request.SessionId] = Task.Run(() => ServeTrackedAsync(request, ct), CancellationToken.None);
                }

                continue;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (FabricRefusedException e) when (e.Status == HttpStatusCode.Unauthorized)
            {
                logger.LogError("The portal no longer accepts this host's credential; no more consoles are served: {Detail}", e.Detail);
                break;
            }
            catch (FabricRefusedException e)
            {
                logger.LogWarning("Console poll: the portal refused ({Status}): {Detail}", (int)e.Status, e.Detail);
            }
            catch (HttpRequestException e)
            {
                logger.LogWarning("Console poll: the portal cannot be reached ({Error}); polling again later", e.Message);
            }
            catch (TaskCanceledException)
            {
                logger.LogWarning("Console poll: the portal did not answer in time; polling again later");
            }

            try
            {
                await Task.Delay(agent.Value.RetryInterval, time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_sessions.Values);
    }

    private async Task ServeTrackedAsync(ConsoleRequest request, CancellationToken ct)
    {
        try
        {
            await ServeAsync(request, ct);
        }
        finally
        {
            _sessions.TryRemove(request.SessionId, out _);
        }
    }

    /// <summary>One console session, from opening the VM's console to the close of either side. Never throws.</summary>
    public async Task ServeAsync(ConsoleRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var active = Interlocked.Increment(ref _active);
        Stream? console = null;
        try
        {
            string? refusal = null;
            if (active > options.Value.MaxSessions)
            {
                refusal = $"This host serves {options.Value.MaxSessions} consoles at once already; try again later.";
            }
            else
            {
                try
                {
                    console = await driver.OpenConsoleAsync(request.VmId, ct);
                }
                catch (HypervisorException e)
                {
                    refusal = e.Error switch
                    {
                        HypervisorError.NotFound => $"VM '{request.VmName}' is not on this host.",
                        _ => e.Message,
                    };
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Console session {SessionId}: the hypervisor could not open the console of VM {VmId}", request.SessionId, request.VmId);
                    refusal = $"The host could not open the console of VM '{request.VmName}'.";
                }
            }

            using var socket = await portal.ConnectAsync(request.SessionId, ct);
            if (refusal is not null)
            {
                logger.LogInformation("Console session {SessionId} for VM {VmId} refused: {Reason}", request.SessionId, request.VmId, refusal);
                await ConsolePump.CloseAsync(socket, WebSocketCloseStatus.InternalServerError, refusal);
                return;
            }

            logger.LogInformation("Console session {SessionId} for VM {VmId} connected", request.SessionId, request.VmId);
            var reason = await ConsolePump.RunAsync(console!, socket, ct);
            logger.LogInformation("Console session {SessionId} for VM {VmId} ended: {Reason}", request.SessionId, request.VmId, reason);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogWarning("Console session {SessionId} for VM {VmId} could not be served: {Error}", request.SessionId, request.VmId, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Console session {SessionId} for VM {VmId} failed", request.SessionId, request.VmId);
        }
        finally
        {
            if (console is not null)
            {
                await console.DisposeAsync();
            }

            Interlocked.Decrement(ref _active);
        }
    }

    private async Task<bool> WaitUntilJoinedAsync(CancellationToken ct)
    {
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (status.HostId is not null || status.StoppedBecause is not null)
            {
                joined.TrySetResult();
            }
        }

        status.Changed += Check;
        try
        {
            Check();
            await joined.Task.WaitAsync(ct);
        }
        finally
        {
            status.Changed -= Check;
        }

        return status.StoppedBecause is null && store.Load() is not null;
    }
}
