using System.Security.Claims;
using Portal.Core.Auditing;

namespace Portal.Web.Infrastructure;

public static class AuditActors
{
    public static AuditActor ToAuditActor(this HttpContext http) =>
        http.User.ToAuditActor(http.Connection.RemoteIpAddress?.ToString());

    public static AuditActor ToAuditActor(this ClaimsPrincipal user, string? remoteAddress) =>
        user.Identity?.IsAuthenticated == true
            ? new AuditActor(user.GetUserId(), user.Identity.Name ?? "", remoteAddress)
            : new AuditActor(null, "anonymous", remoteAddress);
}
