using System.Security.Claims;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Tenants;

public static class TenantClaims
{
    /// <summary>The caller's tenant account; only call behind <see cref="PortalPolicies.Tenant"/>, which requires it.</summary>
    public static Guid GetRequiredTenantId(this ClaimsPrincipal user) =>
        user.GetTenantId() ?? throw new InvalidOperationException("The principal belongs to no tenant account.");
}
