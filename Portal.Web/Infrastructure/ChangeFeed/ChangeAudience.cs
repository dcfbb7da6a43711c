namespace Portal.Web.Infrastructure.ChangeFeed;

/// <summary>Who listens: the provider (every change) or one tenant (only changes to what that tenant owns).</summary>
public sealed record ChangeAudience
{
    private ChangeAudience(Guid? tenantId) => TenantId = tenantId;

    public static ChangeAudience Provider { get; } = new((Guid?)null);

    /// <summary>The tenant listened for; <see langword="null"/> for the provider.</summary>
    public Guid? TenantId { get; }

    public bool IsProvider => TenantId is null;

    public static ChangeAudience Tenant(Guid tenantId) =>
        tenantId == Guid.Empty
            ? throw new ArgumentException("A tenant audience needs a tenant id.", nameof(tenantId))
            : new ChangeAudience(tenantId);

    public bool Sees(PortalChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return IsProvider || change.Kind == ChangeKind.Resync || change.TenantId == TenantId;
    }
}
