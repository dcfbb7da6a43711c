using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data.Identity;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Account;

/// <summary>Adds the tenant and display name to every principal, cookie or bearer alike.</summary>
internal sealed class PortalClaimsFactory(
    UserManager<PortalUser> users, RoleManager<PortalRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, PortalRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        AddPortalClaims(identity, user.DisplayName, user.TenantId);
        return identity;
    }

    /// <summary>The portal's own claims, the same for cookie and bearer principals.</summary>
    public static void AddPortalClaims(ClaimsIdentity identity, string displayName, Guid? tenantId)
    {
        identity.AddClaim(new Claim(PortalClaims.DisplayName, displayName));
        if (tenantId is { } id)
        {
            identity.AddClaim(new Claim(PortalClaims.TenantId, id.ToString()));
        }
    }
}
