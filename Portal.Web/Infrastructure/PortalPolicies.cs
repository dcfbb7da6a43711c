using Microsoft.AspNetCore.Authorization;
using Portal.Data.Identity;
using Portal.HostGuardian.AdminPages;

namespace Portal.Web.Infrastructure;

public static class PortalPolicies
{
    /// <summary>A signed-in user of a tenant account.</summary>
    public const string Tenant = "Tenant";

    /// <summary>The hoster's administrators; everything under /admin and /api/admin.</summary>
    public const string ProviderAdmin = "ProviderAdmin";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Tenant, p => p.RequireAuthenticatedUser().RequireClaim(PortalClaims.TenantId));
        options.AddPolicy(ProviderAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.ProviderAdmin));
        // The HGS admin pages, when HGS runs in the portal's process: the provider admin is the HGS admin.
        options.AddPolicy(HgsAdminAuthorization.Policy, p => p.RequireAuthenticatedUser().RequireRole(Roles.ProviderAdmin));
    }
}
