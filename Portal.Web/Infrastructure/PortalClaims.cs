using System.Security.Claims;

namespace Portal.Web.Infrastructure;

public static class PortalClaims
{
    public const string TenantId = "tenant_id";
    public const string DisplayName = "display_name";
    public const string ApiTokenId = "api_token_id";

    public static Guid GetUserId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("The principal has no user id."));

    public static Guid? GetTenantId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(TenantId), out var id) ? id : null;

    /// <summary>For tenant-only routes: a missing tenant must fail loudly, never widen a query to everyone.</summary>
    public static Guid GetRequiredTenantId(this ClaimsPrincipal user) =>
        user.GetTenantId() ?? throw new InvalidOperationException("The principal belongs to no tenant.");

    public static string GetDisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(DisplayName) ?? user.Identity?.Name ?? "";
}
