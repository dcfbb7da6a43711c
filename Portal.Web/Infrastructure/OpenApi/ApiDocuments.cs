namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// The portal's HTTP API as three OpenAPI documents, one per audience, each holding the routes under its prefix:
/// tenants never read the provider's API or the host agents' protocol.
/// </summary>
public static class ApiDocuments
{
    public static readonly ApiDocument Tenant = new(
        "tenant", "/api/v1", "TenantPortal tenant API",
        "Plans, subscriptions, shielding data, virtual machines, jobs and API tokens of your tenant account. "
        + "Authenticate with a personal access token from the API tokens page (Authorization: Bearer tpat_…), "
        + "or POST /api/v1/auth/token for a short-lived one. Errors are RFC 9457 problem details.");

    public static readonly ApiDocument Provider = new(
        "provider", "/api/admin/v1", "TenantPortal provider API",
        "The hoster's administration: plans, add-ons, the gallery, tenants, subscriptions, the fabric, jobs and the audit log. "
        + "Authenticate as a provider admin with a bearer token (tpat_…). Errors are RFC 9457 problem details.");

    public static readonly ApiDocument Fabric = new(
        "fabric", "/api/fabric/v1", "TenantPortal fabric agent protocol",
        "What guarded hosts' agents call: join with a one-time join token, then authenticate as the host with its "
        + "credential (Authorization: Bearer tphc_…) to beat, claim jobs and report on them. Errors are RFC 9457 problem details.");

    public static IReadOnlyList<ApiDocument> All { get; } = [Tenant, Provider, Fabric];

    /// <summary>The document whose prefix <paramref name="path"/> is under, or null for a route in none (pages, HGS).</summary>
    public static ApiDocument? For(string? path) => All.FirstOrDefault(d => d.Contains(path));
}

/// <summary>One OpenAPI document: served at <see cref="Url"/>, holding every route under <see cref="Prefix"/>.</summary>
public sealed record ApiDocument(string Name, string Prefix, string Title, string Description)
{
    public string Url => $"/openapi/{Name}.json";

    public bool Contains(string? path)
    {
        var normalized = "/" + (path ?? "").TrimStart('/');
        return normalized.Equals(Prefix, StringComparison.OrdinalIgnoreCase)
            || normalized.StartsWith(Prefix + "/", StringComparison.OrdinalIgnoreCase);
    }
}
