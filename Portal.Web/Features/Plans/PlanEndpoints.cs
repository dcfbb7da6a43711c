using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Concurrency;
using Portal.Web.Infrastructure.Idempotency;
using Portal.Core.Plans;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Plans;

public static class PlanEndpoints
{
    /// <summary>Tenants browse public plans.</summary>
    public static RouteGroupBuilder MapPlanEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/plans").WithTags("Plans").RequireAuthorization(PortalPolicies.Tenant);
        group.MapGet("/", ListPublicAsync);
        return group;
    }

    public static RouteGroupBuilder MapAdminPlanEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/plans")
            .WithTags("Provider: plans")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id:guid}", GetAsync)
            .WithETag();
        group.MapPost("/", CreateAsync)
            .WithIdempotency();
        group.MapPut("/{id:guid}", UpdateAsync)
            .WithConcurrencyCheck<Plan>();
        group.MapDelete("/{id:guid}", DeleteAsync)
            .WithConcurrencyCheck<Plan>();
        group.MapPost("/{id:guid}/clone", CloneAsync)
            .WithIdempotency();
        group.MapPost("/{id:guid}/publish", (Guid id, HttpContext http, PlanService plans, CancellationToken ct) =>
            ChangeAsync(plans.PublishAsync(id, http.ToAuditActor(), ct)))
            .WithConcurrencyCheck<Plan>();
        group.MapPost("/{id:guid}/make-private", (Guid id, HttpContext http, PlanService plans, CancellationToken ct) =>
            ChangeAsync(plans.MakePrivateAsync(id, http.ToAuditActor(), ct)))
            .WithConcurrencyCheck<Plan>();
        group.MapPost("/{id:guid}/decommission", (Guid id, HttpContext http, PlanService plans, CancellationToken ct) =>
            ChangeAsync(plans.DecommissionAsync(id, http.ToAuditActor(), ct)))
            .WithConcurrencyCheck<Plan>();
        group.MapPost("/{id:guid}/reopen", (Guid id, HttpContext http, PlanService plans, CancellationToken ct) =>
            ChangeAsync(plans.ReopenAsync(id, http.ToAuditActor(), ct)))
            .WithConcurrencyCheck<Plan>();
        return group;
    }

    private static readonly SortFields<PublicPlanDto> PublicOrders = SortFields<PublicPlanDto>.By("name", p => p.Name, p => p.Id);

    private static readonly SortFields<PlanDto> Orders = SortFields<PlanDto>
        .By("name", p => p.Name, p => p.Id).And("createdAt", p => p.CreatedAt).And("state", p => p.State);

    private static async Task<Ok<Page<PublicPlanDto>>> ListPublicAsync(
        PlanCatalog catalog, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await (await catalog.ListPublicAsync(ct)).ToPageAsync(list, PublicOrders, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<Page<PlanDto>>> ListAsync(PlanService plans, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await (await plans.ListAsync(ct)).ToPageAsync(list, Orders, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<PlanDto>> GetAsync(Guid id, PlanService plans, CancellationToken ct) =>
        TypedResults.Ok(await plans.GetAsync(id, ct));

    private static async Task<Created<PlanDto>> CreateAsync(
        PlanRequest request, HttpContext http, PlanService plans, CancellationToken ct)
    {
        var plan = await plans.CreateAsync(request, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/admin/v1/plans/{plan.Id}", plan);
    }

    private static async Task<Ok<PlanDto>> UpdateAsync(
        Guid id, PlanRequest request, HttpContext http, PlanService plans, CancellationToken ct) =>
        TypedResults.Ok(await plans.UpdateAsync(id, request, http.ToAuditActor(), ct));

    private static async Task<Created<PlanDto>> CloneAsync(
        Guid id, ClonePlanRequest? request, HttpContext http, PlanService plans, CancellationToken ct)
    {
        var clone = await plans.CloneAsync(id, request?.Name, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/admin/v1/plans/{clone.Id}", clone);
    }

    private static async Task<NoContent> DeleteAsync(Guid id, HttpContext http, PlanService plans, CancellationToken ct)
    {
        await plans.DeleteAsync(id, http.ToAuditActor(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PlanDto>> ChangeAsync(Task<PlanDto> change) => TypedResults.Ok(await change);
}
