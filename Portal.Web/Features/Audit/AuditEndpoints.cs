using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;

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
            .WithSummary("Your tenant account's audit trail, newest first.");
        app.MapGet("/api/admin/v1/audit", AuditAsync)
            .WithTags("Provider: audit")
            .RequireAuthorization(PortalPolicies.ProviderAdmin)
            .WithSummary("Every state-changing act of anyone, newest first.");
        return app;
    }

    private static async Task<Ok<Page<AuditEntryDto>>> ActivityAsync(
        ClaimsPrincipal user, AuditLog log, string? search, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        TypedResults.Ok(await log.ReadForTenantAsync(user.GetRequiredTenantId(), search, page, pageSize, ct));

    private static async Task<Ok<Page<AuditEntryDto>>> AuditAsync(
        AuditLog log, string? search, Guid? tenantId, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        TypedResults.Ok(await log.ReadAsync(new AuditFilter(search, tenantId, page, pageSize), ct));
}
