namespace Portal.Core.Plans;

/// <summary>Lifecycle of a plan or add-on offering.</summary>
public enum PlanState
{
    /// <summary>Visible to provider admins only; admins may subscribe tenants to it.</summary>
    Private,

    /// <summary>Tenants may find it and subscribe (or add it, for an add-on).</summary>
    Public,

    /// <summary>No new subscriptions or add-on purchases; existing ones keep working.</summary>
    Decommissioned,
}
