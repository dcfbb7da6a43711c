namespace Portal.Web.Infrastructure.ChangeFeed;

/// <summary>
/// Something changed: listeners reload what they show rather than trust a payload, so the change carries only ids.
/// <paramref name="TenantId"/> is the owner; fabric-wide things (hosts) have none and only the provider hears them.
/// </summary>
public sealed record PortalChange(ChangeKind Kind, Guid Id, Guid? TenantId)
{
    /// <summary>To every audience: changes may have been missed, reload whatever is shown.</summary>
    public static PortalChange Resync { get; } = new(ChangeKind.Resync, Guid.Empty, null);

    public static PortalChange Host(Guid hostId) => new(ChangeKind.Host, hostId, null);
}
