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
        group.MapGet("/", ListAsync)
            .WithName("AdminListTenants").WithSummary("Tenant accounts by name or user email, a page at a time.");
        group.MapGet("/{id}", GetAsync)
            .WithName("AdminGetTenant").WithSummary("One tenant account with its users, subscriptions and usage.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithETag();
        group.MapPost("/{id}/suspend", SuspendAsync)
            .WithName("AdminSuspendTenant").WithSummary("Suspend a tenant account: it can read but change nothing.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<TenantAccount>();
        group.MapPost("/{id}/resume", ResumeAsync)
            .WithName("AdminResumeTenant").WithSummary("Resume a suspended tenant account.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<TenantAccount>();
        group.MapDelete("/{id}", DeleteAsync)
            .WithName("AdminDeleteTenant").WithSummary("Delete a tenant account without live VMs (409 otherwise).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<TenantAccount>();
        group.MapPost("/{id}/users/{userId}/unlock", UnlockUserAsync)
            .WithName("AdminUnlockUser").WithSummary("Unlock a tenant user locked out by failed sign-ins; audited.")
            .ProducesProblem(StatusCodes.Status404NotFound);
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
