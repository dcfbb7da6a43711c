using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Tenants;

public static class AdminTenantEndpoints
{
    public static RouteGroupBuilder MapAdminTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/tenants")
            .WithTags("Provider: tenants")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("/{id:guid}/suspend", SuspendAsync);
        group.MapPost("/{id:guid}/resume", ResumeAsync);
        group.MapDelete("/{id:guid}", DeleteAsync);
        group.MapPost("/{id:guid}/users/{userId:guid}/unlock", UnlockUserAsync);
        return group;
    }

    private static async Task<Ok<Page<TenantSummaryDto>>> ListAsync(
        TenantAdministration tenants, string? search, int page = 1, int pageSize = 50, CancellationToken ct = default) =>
        TypedResults.Ok(await tenants.ListAsync(search, page, pageSize, ct));

    private static async Task<Ok<TenantDetailsDto>> GetAsync(Guid id, TenantAdministration tenants, CancellationToken ct) =>
        TypedResults.Ok(await tenants.GetAsync(id, ct));

    private static async Task<Ok<TenantDetailsDto>> SuspendAsync(
        Guid id, HttpContext http, TenantAdministration tenants, CancellationToken ct)
    {
        await tenants.SuspendAsync(id, http.ToAuditActor(), ct);
        return TypedResults.Ok(await tenants.GetAsync(id, ct));
    }

    private static async Task<Ok<TenantDetailsDto>> ResumeAsync(
        Guid id, HttpContext http, TenantAdministration tenants, CancellationToken ct)
    {
        await tenants.ResumeAsync(id, http.ToAuditActor(), ct);
        return TypedResults.Ok(await tenants.GetAsync(id, ct));
    }

    private static async Task<Ok<TenantDetailsDto>> UnlockUserAsync(
        Guid id, Guid userId, HttpContext http, TenantAdministration tenants, CancellationToken ct)
    {
        await tenants.UnlockUserAsync(id, userId, http.ToAuditActor(), ct);
        return TypedResults.Ok(await tenants.GetAsync(id, ct));
    }

    private static async Task<NoContent> DeleteAsync(Guid id, HttpContext http, TenantAdministration tenants, CancellationToken ct)
    {
        await tenants.DeleteAsync(id, http.ToAuditActor(), ct);
        return TypedResults.NoContent();
    }
}
