using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Subscriptions;
using Portal.Web.Features.Tenants;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Paging;
using Portal.Web.Infrastructure.Concurrency;
using Portal.Web.Infrastructure.Idempotency;

namespace Portal.Web.Features.Subscriptions;

public static class SubscriptionEndpoints
{
    public static RouteGroupBuilder MapSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/subscriptions")
            .WithTags("Subscriptions")
            .RequireAuthorization(PortalPolicies.Tenant)
            .RequireActiveTenantForChanges();
        group.MapGet("/", ListAsync)
            .WithName("ListSubscriptions").WithSummary("Your subscriptions with their quotas, usage and add-ons.");
        group.MapGet("/{id}", GetAsync)
            .WithName("GetSubscription").WithSummary("One of your subscriptions.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithETag();
        group.MapPost("/", SubscribeAsync)
            .WithName("Subscribe").WithSummary("Subscribe to a public plan (with its invitation code where it has one).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithIdempotency();
        group.MapPost("/{id}/addons", AddAddOnAsync)
            .WithName("AddSubscriptionAddOn").WithSummary("Add an add-on to one of your subscriptions.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Subscription>(ownedByTenant: true);
        return group;
    }

    public static RouteGroupBuilder MapAdminSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/subscriptions")
            .WithTags("Provider: subscriptions")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", AdminListAsync)
            .WithName("AdminListSubscriptions").WithSummary("Subscriptions by tenant, plan or state, a page at a time.");
        group.MapGet("/{id}", AdminGetAsync)
            .WithName("AdminGetSubscription").WithSummary("One subscription.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithETag();
        group.MapPost("/", AdminCreateAsync)
            .WithName("AdminCreateSubscription").WithSummary("Subscribe a tenant account to any plan, private ones included.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithIdempotency();
        group.MapPost("/{id}/addons", AdminAddAddOnAsync)
            .WithName("AdminAddSubscriptionAddOn").WithSummary("Add an add-on to a subscription.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Subscription>();
        group.MapPost("/{id}/suspend", (Guid id, HttpContext http, SubscriptionService subscriptions, CancellationToken ct) =>
                ChangeAsync(subscriptions.SuspendAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminSuspendSubscription").WithSummary("Suspend a subscription: its VMs can be read but not changed.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Subscription>();
        group.MapPost("/{id}/resume", (Guid id, HttpContext http, SubscriptionService subscriptions, CancellationToken ct) =>
                ChangeAsync(subscriptions.ResumeAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminResumeSubscription").WithSummary("Resume a suspended subscription.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Subscription>();
        group.MapPost("/{id}/cancel", (Guid id, HttpContext http, SubscriptionService subscriptions, CancellationToken ct) =>
                ChangeAsync(subscriptions.CancelAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminCancelSubscription").WithSummary("Cancel a subscription without live VMs (409 otherwise).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<Subscription>();
        return group;
    }

    private static async Task<Ok<Page<SubscriptionDto>>> ListAsync(
        ClaimsPrincipal user, SubscriptionService subscriptions, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await subscriptions.ListForTenantAsync(user.GetRequiredTenantId(), list, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<SubscriptionDto>> GetAsync(
        Guid id, ClaimsPrincipal user, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok(await subscriptions.GetForTenantAsync(user.GetRequiredTenantId(), id, ct));

    private static async Task<Created<SubscriptionDto>> SubscribeAsync(
        SubscribeRequest request, ClaimsPrincipal user, HttpContext http, SubscriptionService subscriptions, CancellationToken ct)
    {
        var created = await subscriptions.SubscribeAsync(user.GetRequiredTenantId(), request, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/v1/subscriptions/{created.Id}", created);
    }

    private static async Task<Ok<SubscriptionDto>> AddAddOnAsync(
        Guid id, AddAddOnRequest request, ClaimsPrincipal user, HttpContext http, SubscriptionService subscriptions,
        CancellationToken ct) =>
        TypedResults.Ok(await subscriptions.AddAddOnForTenantAsync(
            user.GetRequiredTenantId(), id, request.AddOnId, http.ToAuditActor(), ct));

    private static async Task<Ok<Page<SubscriptionDto>>> AdminListAsync(
        SubscriptionService subscriptions, Guid? tenantId, Guid? planId, SubscriptionState? state, [AsParameters] ListQuery list,
        HttpContext http, CancellationToken ct = default) =>
        TypedResults.Ok((await subscriptions.ListAsync(tenantId, planId, state, list, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<SubscriptionDto>> AdminGetAsync(Guid id, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok(await subscriptions.GetAsync(id, ct));

    private static async Task<Created<SubscriptionDto>> AdminCreateAsync(
        AdminSubscribeRequest request, HttpContext http, SubscriptionService subscriptions, CancellationToken ct)
    {
        var created = await subscriptions.CreateForTenantAsync(request, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/admin/v1/subscriptions/{created.Id}", created);
    }

    private static async Task<Ok<SubscriptionDto>> AdminAddAddOnAsync(
        Guid id, AddAddOnRequest request, HttpContext http, SubscriptionService subscriptions, CancellationToken ct) =>
        TypedResults.Ok(await subscriptions.AddAddOnForAdminAsync(id, request.AddOnId, http.ToAuditActor(), ct));

    private static async Task<Ok<SubscriptionDto>> ChangeAsync(Task<SubscriptionDto> change) => TypedResults.Ok(await change);
}
