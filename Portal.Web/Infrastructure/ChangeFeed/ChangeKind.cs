namespace Portal.Web.Infrastructure.ChangeFeed;

/// <summary>What kind of thing changed; <see cref="PortalChange.Id"/> is that thing's id.</summary>
public enum ChangeKind
{
    Host,
    VirtualMachine,
    Job,
    ShieldingData,
    Subscription,

    /// <summary>Changes may have been missed (the feed reconnected after a gap): every view reloads.</summary>
    Resync,
}
