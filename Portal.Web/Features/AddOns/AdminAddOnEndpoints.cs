using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Concurrency;
using Portal.Web.Infrastructure.Idempotency;
using Portal.Core.Plans;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.AddOns;

public static class AdminAddOnEndpoints
{
    public static RouteGroupBuilder MapAdminAddOnEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/addons")
            .WithTags("Provider: add-ons")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", ListAsync)
            .WithName("AdminListAddOns").WithSummary("Every add-on, with the plans it is linked to and how many subscriptions hold it.");
        group.MapGet("/{id}", GetAsync)
            .WithName("AdminGetAddOn").WithSummary("One add-on.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithETag();
        group.MapPost("/", CreateAsync)
            .WithName("AdminCreateAddOn").WithSummary("Create an add-on (private until published).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithIdempotency();
        group.MapPut("/{id}", UpdateAsync)
            .WithName("AdminUpdateAddOn").WithSummary("Change an add-on's name, extra quota, limit per subscription and plans.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<AddOn>();
        group.MapDelete("/{id}", DeleteAsync)
            .WithName("AdminDeleteAddOn").WithSummary("Delete an add-on no subscription holds (409 otherwise).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<AddOn>();
        group.MapPost("/{id}/publish", (Guid id, HttpContext http, AddOnService addOns, CancellationToken ct) =>
                ChangeAsync(addOns.PublishAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminPublishAddOn").WithSummary("Make an add-on available to tenants of its plans.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<AddOn>();
        group.MapPost("/{id}/make-private", (Guid id, HttpContext http, AddOnService addOns, CancellationToken ct) =>
                ChangeAsync(addOns.MakePrivateAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminMakeAddOnPrivate").WithSummary("Hide an add-on from tenants again.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<AddOn>();
        group.MapPost("/{id}/decommission", (Guid id, HttpContext http, AddOnService addOns, CancellationToken ct) =>
                ChangeAsync(addOns.DecommissionAsync(id, http.ToAuditActor(), ct)))
            .WithName("AdminDecommissionAddOn").WithSummary("Stop offering an add-on; subscriptions keep what they hold.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithConcurrencyCheck<AddOn>();
        return group;
    }

    private static readonly SortFields<AddOnDto> Orders = SortFields<AddOnDto>
        .By("name", a => a.Name, a => a.Id).And("createdAt", a => a.CreatedAt).And("state", a => a.State);

    private static async Task<Ok<Page<AddOnDto>>> ListAsync(AddOnService addOns, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await addOns.ListAsync(ct)).ToPage(list, Orders).WithNextLink(http.Request, list));

    private static async Task<Ok<AddOnDto>> GetAsync(Guid id, AddOnService addOns, CancellationToken ct) =>
        TypedResults.Ok(await addOns.GetAsync(id, ct));

    private static async Task<Created<AddOnDto>> CreateAsync(
        AddOnRequest request, HttpContext http, AddOnService addOns, CancellationToken ct)
    {
        var addOn = await addOns.CreateAsync(request, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/admin/v1/addons/{addOn.Id}", addOn);
    }

    private static async Task<Ok<AddOnDto>> UpdateAsync(
        Guid id, AddOnRequest request, HttpContext http, AddOnService addOns, CancellationToken ct) =>
        TypedResults.Ok(await addOns.UpdateAsync(id, request, http.ToAuditActor(), ct));

    private static async Task<NoContent> DeleteAsync(Guid id, HttpContext http, AddOnService addOns, CancellationToken ct)
    {
        await addOns.DeleteAsync(id, http.ToAuditActor(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<AddOnDto>> ChangeAsync(Task<AddOnDto> change) => TypedResults.Ok(await change);
}
