using Portal.Data.Cluster;

namespace Portal.Web.Features.Jobs;

/// <summary>
/// Wakes an agent's long-polling claim as soon as a job is placed on its host, instead of at the end of its wait —
/// in whichever portal process the agent waits: a wake travels to the others over the cluster bus. Should the bus
/// lose messages (it reconnected), every waiting claim here looks again; the claim's bounded wait is the last resort.
/// </summary>
public sealed class HostWakeups : IDisposable
{
    public const string Topic = "wake";

    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, TaskCompletionSource> _waiting = [];
    private readonly IClusterBus _bus;
    private readonly ILogger<HostWakeups> _logger;
    private readonly IDisposable _subscription;

    public HostWakeups(IClusterBus bus, ILogger<HostWakeups> logger)
    {
        _bus = bus;
        _logger = logger;
        _subscription = bus.Subscribe(Topic, OnMessage);
        bus.Reconnected += WakeAll;
    }

    /// <summary>
    /// A task that completes at the next <see cref="WakeAsync"/> for the host. Take it before looking for work, then
    /// wait on it: a job placed in between is not missed.
    /// </summary>
    public Task Next(Guid hostId)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(hostId, out var source))
            {
                source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting[hostId] = source;
            }

            return source.Task;
        }
    }

    /// <summary>Wakes the host's claim here at once, and in the other portal processes through the bus.</summary>
    public async Task WakeAsync(Guid hostId, CancellationToken ct = default)
    {
        WakeHere(hostId);
        try
        {
            await _bus.PublishAsync(Topic, hostId.ToString("N"), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Could not wake host {HostId} in the other portal processes; its claim finds the job at the end of its wait", hostId);
        }
    }

    public void Dispose()
    {
        _bus.Reconnected -= WakeAll;
        _subscription.Dispose();
    }

    private void OnMessage(ClusterMessage message)
    {
        if (message.SenderId != _bus.ProcessId && Guid.TryParseExact(message.Body, "N", out var hostId))
        {
            WakeHere(hostId);
        }
    }

    private void WakeHere(Guid hostId)
    {
        TaskCompletionSource? source;
        lock (_lock)
        {
            if (!_waiting.Remove(hostId, out source))
            {
                return;
            }
        }

        source.TrySetResult();
    }

    private void WakeAll()
    {
        TaskCompletionSource[] all;
        lock (_lock)
        {
            all = [.. _waiting.Values];
            _waiting.Clear();
        }

        foreach (var source in all)
        {
            source.TrySetResult();
        }
    }
}
