namespace Portal.Web.Features.Fabric;

/// <summary>
/// Tells open Fabric views that a host changed (heartbeat, attestation, state), so they refresh without a reload.
/// A singleton; subscriptions are returned as <see cref="IDisposable"/> and removed on dispose.
/// </summary>
public sealed class FabricNotifier(ILogger<FabricNotifier> logger)
{
    private readonly Lock _lock = new();
    private readonly List<Subscription> _subscriptions = [];

    public IDisposable Subscribe(Func<Guid, Task> onHostChanged)
    {
        var subscription = new Subscription(this, onHostChanged);
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _subscriptions.Count;
            }
        }
    }

    public async Task NotifyHostChangedAsync(Guid hostId)
    {
        Subscription[] targets;
        lock (_lock)
        {
            targets = [.. _subscriptions];
        }

        foreach (var subscription in targets)
        {
            try
            {
                await subscription.Callback(hostId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One broken circuit must not stop the others from hearing about the change.
                logger.LogWarning(e, "A Fabric view failed to handle a change of host {HostId}", hostId);
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private sealed class Subscription(FabricNotifier owner, Func<Guid, Task> callback) : IDisposable
    {
        public Func<Guid, Task> Callback { get; } = callback;

        public void Dispose() => owner.Remove(this);
    }
}
