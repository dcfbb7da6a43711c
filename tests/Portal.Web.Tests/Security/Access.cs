namespace Portal.Web.Tests.Security;

/// <summary>Who calls: nobody, the tenant who owns the probed resources, another tenant, the provider, a joined host.</summary>
public enum Caller
{
    Anonymous,
    TenantA,
    TenantB,
    ProviderAdmin,
    HostAgent,
}

/// <summary>What authorization let through, read from the status: the handler's own answer (any other status) is Allowed.</summary>
[Flags]
public enum Outcome
{
    Allowed = 1,
    NotFound = 2,
    Unauthorized = 4,
    Forbidden = 8,

    /// <summary>A 5xx: never expected, whoever calls.</summary>
    ServerError = 16,
}

/// <summary>The expected outcome of an endpoint for each caller.</summary>
public sealed record Access(string Name, Outcome Anonymous, Outcome TenantA, Outcome TenantB, Outcome ProviderAdmin, Outcome HostAgent)
{
    /// <summary>Anyone, by design (health, API descriptions, credential exchanges that carry their credential in the body).</summary>
    public static readonly Access Public = new("public",
        Outcome.Allowed, Outcome.Allowed, Outcome.Allowed, Outcome.Allowed, Outcome.Allowed);

    /// <summary>Any signed-in user, tenant or provider, for their own things (API tokens).</summary>
    public static readonly Access AnyUser = new("any signed-in user",
        Outcome.Unauthorized, Outcome.Allowed, Outcome.Allowed, Outcome.Allowed, Outcome.Unauthorized);

    /// <summary>One of tenant A's user's own things: everybody else's 404 reads like a missing one.</summary>
    public static readonly Access OwnedByUserA = new("tenant A's user's own",
        Outcome.Unauthorized, Outcome.Allowed, Outcome.NotFound, Outcome.NotFound, Outcome.Unauthorized);

    /// <summary>Any tenant, on its own account (lists, uploads, the public offer).</summary>
    public static readonly Access AnyTenant = new("any tenant",
        Outcome.Unauthorized, Outcome.Allowed, Outcome.Allowed, Outcome.Forbidden, Outcome.Unauthorized);

    /// <summary>Tenant A's resource: another tenant gets exactly 404, as for one that does not exist.</summary>
    public static readonly Access OwnedByTenantA = new("tenant A's resource",
        Outcome.Unauthorized, Outcome.Allowed, Outcome.NotFound, Outcome.Forbidden, Outcome.Unauthorized);

    /// <summary>The provider's API: tenants are refused with 403, hosts are not signed in to it.</summary>
    public static readonly Access Provider = new("provider admin",
        Outcome.Unauthorized, Outcome.Forbidden, Outcome.Forbidden, Outcome.Allowed, Outcome.Unauthorized);

    /// <summary>The agent protocol: only a host's credential authenticates there.</summary>
    public static readonly Access Host = new("host agent",
        Outcome.Unauthorized, Outcome.Unauthorized, Outcome.Unauthorized, Outcome.Unauthorized, Outcome.Allowed);

    /// <summary>HGS's admin API: only HGS's own admin key opens it, never a portal credential.</summary>
    public static readonly Access HgsAdminKey = new("HGS admin key",
        Outcome.Unauthorized, Outcome.Unauthorized, Outcome.Unauthorized, Outcome.Unauthorized, Outcome.Unauthorized);

    public Outcome For(Caller caller) => caller switch
    {
        Caller.Anonymous => Anonymous,
        Caller.TenantA => TenantA,
        Caller.TenantB => TenantB,
        Caller.ProviderAdmin => ProviderAdmin,
        Caller.HostAgent => HostAgent,
    };

    public static Outcome Of(int status) => status switch
    {
        401 => Outcome.Unauthorized,
        403 => Outcome.Forbidden,
        404 => Outcome.NotFound,
        >= 500 => Outcome.ServerError,
        _ => Outcome.Allowed,
    };
}
