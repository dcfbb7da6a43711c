namespace Portal.Web.Infrastructure.ChangeFeed;

/// <summary>
/// The change feed of one portal process (a singleton): subscribers are kept per tenant plus the provider's, so a
/// change reaches only its owner's views and the provider's.
/// </summary>
public sealed class InProcessChangeFeed(ILogger<InProcessChangeFeed> logger) : IChangeFeed
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, List<Subscriber>> _tenantSubscribers = [];
    private readonly List<Subscriber> _providerSubscribers = [];

    /// <summary>Open subscriptions, all audiences together.</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _providerSubscribers.Count + _tenantSubscribers.Values.Sum(s => s.Count);
            }
        }
    }

    public IDisposable Subscribe(ChangeAudience audience, Func<PortalChange, Task> onChange)
    {
        ArgumentNullException.ThrowIfNull(audience);
        ArgumentNullException.ThrowIfNull(onChange);
        var subscriber = new Subscriber(this, audience, onChange);
        lock (_lock)
        {
            ListFor(audience, create: true)!.Add(subscriber);
        }

        return subscriber;
    }

    public async Task PublishAsync(PortalChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        Subscriber[] targets;
        lock (_lock)
        {
            targets = change.Kind == ChangeKind.Resync
                ? [.. _providerSubscribers, .. _tenantSubscribers.Values.SelectMany(s => s)]
                : change.TenantId is { } tenantId && _tenantSubscribers.TryGetValue(tenantId, out var tenants)
                    ? [.. _providerSubscribers, .. tenants]
                    : [.. _providerSubscribers];
        }

        foreach (var subscriber in targets)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await subscriber.OnChange(change);
            }
            catch (Exception e)
            {
                // One broken circuit must not stop the others from hearing about the change.
                logger.LogWarning(e, "A subscriber failed to handle a change of {ChangeKind} {ChangeId}", change.Kind, change.Id);
            }
        }
    }

    public async Task PublishAsync(IReadOnlyList<PortalChange> changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes)
        {
            await PublishAsync(change, ct);
        }
    }

    private List<Subscriber>? ListFor(ChangeAudience audience, bool create)
    {
        if (audience.TenantId is not { } tenantId)
        {
            return _providerSubscribers;
        }

        if (!_tenantSubscribers.TryGetValue(tenantId, out var list) && create)
        {
            list = [];
            _tenantSubscribers.Add(tenantId, list);
        }

        return list;
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_lock)
        {
            var list = ListFor(subscriber.Audience, create: false);
            if (list is null || !list.Remove(subscriber))
            {
                return;
            }

            // Tenants come and go; an empty key would be kept for the life of the process.
            if (list.Count == 0 && subscriber.Audience.TenantId is { } tenantId)
            {
                _tenantSubscribers.Remove(tenantId);
            }
        }
    }

    private sealed class Subscriber(InProcessChangeFeed owner, ChangeAudience audience, Func<PortalChange, Task> onChange)
        : IDisposable
    {
        public ChangeAudience Audience { get; } = audience;

        public Func<PortalChange, Task> OnChange { get; } = onChange;

        public void Dispose() => owner.Remove(this);
    }
}
