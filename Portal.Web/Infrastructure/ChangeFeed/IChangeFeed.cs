namespace Portal.Web.Infrastructure.ChangeFeed;

/// <summary>
/// Tells open views that something they show has changed, keyed by audience so a tenant never hears of another
/// tenant's things. <see cref="ClusterChangeFeed"/> carries changes between the portal processes sharing a database.
/// </summary>
public interface IChangeFeed
{
    /// <summary>
    /// Calls <paramref name="onChange"/> for every change <paramref name="audience"/> may see, until the returned
    /// handle is disposed. The callback runs on the publisher's thread: hand the work off and return quickly.
    /// </summary>
    IDisposable Subscribe(ChangeAudience audience, Func<PortalChange, Task> onChange);

    /// <summary>
    /// Delivers <paramref name="change"/> to its audiences; a failing subscriber does not stop the others. Publish
    /// after the change is committed, usually without the request's token: a caller going away must not hide it.
    /// </summary>
    Task PublishAsync(PortalChange change, CancellationToken ct = default);

    /// <summary>
    /// Delivers several changes of one committed transaction, in order; between processes they travel as one message.
    /// </summary>
    Task PublishAsync(IReadOnlyList<PortalChange> changes, CancellationToken ct = default);
}
