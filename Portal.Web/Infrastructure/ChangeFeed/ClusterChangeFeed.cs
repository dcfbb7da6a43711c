using System.Globalization;
using Portal.Data.Cluster;

namespace Portal.Web.Infrastructure.ChangeFeed;

/// <summary>
/// The change feed of a portal that may share its database with other portal processes: a change reaches this
/// process's views at once and the other processes' through the cluster bus (PostgreSQL <c>LISTEN/NOTIFY</c>). When
/// the bus reconnects after a gap, every view hears <see cref="ChangeKind.Resync"/> and reloads.
/// </summary>
public sealed class ClusterChangeFeed : IChangeFeed, IDisposable
{
    public const string Topic = "change";

    private readonly InProcessChangeFeed _local;
    private readonly IClusterBus _bus;
    private readonly ILogger<ClusterChangeFeed> _logger;
    private readonly IDisposable _subscription;

    public ClusterChangeFeed(InProcessChangeFeed local, IClusterBus bus, ILogger<ClusterChangeFeed> logger)
    {
        _local = local;
        _bus = bus;
        _logger = logger;
        _subscription = bus.Subscribe(Topic, OnMessage);
        bus.Reconnected += OnReconnected;
    }

    public IDisposable Subscribe(ChangeAudience audience, Func<PortalChange, Task> onChange) =>
        _local.Subscribe(audience, onChange);

    public Task PublishAsync(PortalChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        return PublishAsync([change], ct);
    }

    public async Task PublishAsync(IReadOnlyList<PortalChange> changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        await _local.PublishAsync(changes, ct);
        try
        {
            // One notification for all: each is a commit of its own, and PostgreSQL serialises notifying commits.
            await _bus.PublishAsync(Topic, Encode(changes), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The changes are committed; only other processes' live views miss them, and they resync when their bus does.
            _logger.LogWarning(e, "Could not tell the other portal processes of a change of {ChangeKind} {ChangeId}", changes[0].Kind, changes[0].Id);
        }
    }

    public void Dispose()
    {
        _bus.Reconnected -= OnReconnected;
        _subscription.Dispose();
    }

    public static string Encode(PortalChange change) =>
        string.Create(CultureInfo.InvariantCulture, $"{change.Kind}:{change.Id:N}:{change.TenantId:N}");

    /// <summary>Several changes in one message body, one per line.</summary>
    public static string Encode(IEnumerable<PortalChange> changes) => string.Join('\n', changes.Select(Encode));

    /// <summary>The readable changes of a message body; an unreadable line is left out.</summary>
    public static IReadOnlyList<PortalChange> DecodeAll(string body) =>
        [.. body.Split('\n').Select(Decode).OfType<PortalChange>()];

    public static PortalChange? Decode(string body)
    {
        var parts = body.Split(':');
        if (parts.Length != 3
            || !Enum.TryParse<ChangeKind>(parts[0], out var kind)
            || !Guid.TryParseExact(parts[1], "N", out var id))
        {
            return null;
        }

        Guid? tenantId = parts[2].Length == 0 ? null
            : Guid.TryParseExact(parts[2], "N", out var tenant) ? tenant : Guid.Empty;
        return tenantId == Guid.Empty ? null : new PortalChange(kind, id, tenantId);
    }

    private void OnMessage(ClusterMessage message)
    {
        // This process's own changes were delivered when published.
        if (message.SenderId != _bus.ProcessId && DecodeAll(message.Body) is { Count: > 0 } changes)
        {
            _ = _local.PublishAsync(changes);
        }
    }

    private void OnReconnected() => _ = _local.PublishAsync(PortalChange.Resync);
}
