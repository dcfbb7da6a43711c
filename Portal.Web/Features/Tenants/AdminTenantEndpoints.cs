using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Infrastructure.Concurrency;
using Portal.Core.Tenants;

namespace Portal.Web.Features.Tenants;

public static class AdminTenantEndpoints
{
    public static RouteGroupBuilder MapAdminTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/tenants")
            .WithTags("Provider: tenants")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync)
            .WithETag();
        group.MapPost("/{id:guid}/suspend", SuspendAsync)
            .WithConcurrencyCheck<TenantAccount>();
        group.MapPost("/{id:guid}/resume", ResumeAsync)
            .WithConcurrencyCheck<TenantAccount>();
        group.MapDelete("/{id:guid}", DeleteAsync)
            .WithConcurrencyCheck<TenantAccount>();
        return group;
    }

    private static async Task<Ok<Page<TenantSummaryDto>>> ListAsync(
        TenantAdministration tenants, string? search, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct = default) =>
        TypedResults.Ok((await tenants.ListAsync(search, list, ct)).WithNextLink(http.Request, list));

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

    private static async Task<NoContent> DeleteAsync(Guid id, HttpContext http, TenantAdministration tenants, CancellationToken ct)
    {
        await tenants.DeleteAsync(id, http.ToAuditActor(), ct);
        return TypedResults.NoContent();
    }
}
