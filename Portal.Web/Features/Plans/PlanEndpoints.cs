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
        group.MapGet("/", ListPublicAsync)
            .WithName("ListPlans").WithSummary("The public plans you can subscribe to, with their quotas, templates and sizes.");
        return group;
    }

    public static RouteGroupBuilder MapAdminPlanEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/plans")
            .WithTags("Provider: plans")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", ListAsync)
            .WithName("AdminListPlans").WithSummary("Every plan in every state, with its subscriptions and usage.");
        group.MapGet("/{id}", GetAsync)
            .WithName("AdminGetPlan").WithSummary("One plan.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithETag();
        group.MapPost("/", CreateAsync)
            .WithName("AdminCreatePlan").WithSummary("Create a plan (private until published).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithIdempotency();
        group.MapPut("/{id}", UpdateAsync)
            .WithName("AdminUpdatePlan").WithSummary("Change a plan's quotas, templates, sizes and settings.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Plan>();
        group.MapDelete("/{id}", DeleteAsync)
            .WithName("AdminDeletePlan").WithSummary("Delete a plan without subscriptions (409 otherwise).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Plan>();
        group.MapPost("/{id}/clone", CloneAsync)
            .WithName("AdminClonePlan").WithSummary("Copy a plan as a new private plan.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithIdempotency();
        group.MapPost("/{id}/publish", (Guid id, HttpContext http, PlanService plans, CancellationToken ct) =>
                ChangeAsync(plans.PublishAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminPublishPlan").WithSummary("Make a plan public: tenants may subscribe.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Plan>();
        group.MapPost("/{id}/make-private", (Guid id, HttpContext http, PlanService plans, CancellationToken ct) =>
                ChangeAsync(plans.MakePrivateAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminMakePlanPrivate").WithSummary("Hide a plan from tenants; subscriptions stay.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Plan>();
        group.MapPost("/{id}/decommission", (Guid id, HttpContext http, PlanService plans, CancellationToken ct) =>
                ChangeAsync(plans.DecommissionAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminDecommissionPlan").WithSummary("Take no new subscriptions; existing ones keep running.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Plan>();
        group.MapPost("/{id}/reopen", (Guid id, HttpContext http, PlanService plans, CancellationToken ct) =>
                ChangeAsync(plans.ReopenAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminReopenPlan").WithSummary("Take a decommissioned plan back into service as private.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Plan>();
        return group;
    }

    private static readonly SortFields<PublicPlanDto> PublicOrders = SortFields<PublicPlanDto>.By("name", p => p.Name, p => p.Id);

    private static readonly SortFields<PlanDto> Orders = SortFields<PlanDto>
        .By("name", p => p.Name, p => p.Id).And("createdAt", p => p.CreatedAt).And("state", p => p.State);

    private static async Task<Ok<Page<PublicPlanDto>>> ListPublicAsync(
        PlanCatalog catalog, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await catalog.ListPublicAsync(ct)).ToPage(list, PublicOrders).WithNextLink(http.Request, list));

    private static async Task<Ok<Page<PlanDto>>> ListAsync(PlanService plans, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await plans.ListAsync(ct)).ToPage(list, Orders).WithNextLink(http.Request, list));

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
