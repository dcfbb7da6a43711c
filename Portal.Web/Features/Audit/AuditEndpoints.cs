using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Audit;

public static class AuditEndpoints
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/activity", ActivityAsync)
            .WithTags("Activity")
            .RequireAuthorization(PortalPolicies.Tenant)
            .WithName("ListActivity")
            .WithSummary("Your tenant account's audit trail, newest first.");
        app.MapGet("/api/admin/v1/audit", AuditAsync)
            .WithTags("Provider: audit")
            .RequireAuthorization(PortalPolicies.ProviderAdmin)
            .WithName("AdminListAudit")
            .WithSummary("Every state-changing act of anyone, newest first.");
        return app;
    }

    private static async Task<Ok<Page<AuditEntryDto>>> ActivityAsync(
        ClaimsPrincipal user, AuditLog log, string? search, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct = default) =>
        TypedResults.Ok((await log.ReadForTenantAsync(user.GetRequiredTenantId(), search, list, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<Page<AuditEntryDto>>> AuditAsync(
        AuditLog log, string? search, Guid? tenantId, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct = default) =>
        TypedResults.Ok((await log.ReadAsync(search, tenantId, list, ct)).WithNextLink(http.Request, list));
}
