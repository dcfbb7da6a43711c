using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Idempotency;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.ApiTokens;

public static class ApiTokenEndpoints
{
    public static RouteGroupBuilder MapApiTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/tokens").WithTags("API tokens").RequireAuthorization();
        group.MapGet("/", ListAsync)
            .WithName("ListApiTokens").WithSummary("Your personal access tokens (never their secrets).");
        group.MapPost("/", CreateAsync)
            .WithName("CreateApiToken").WithSummary("Create a personal access token; its secret is in this response only.")
            .ProducesValidationProblem()
            .WithIdempotency()
            .NoStore();
        group.MapDelete("/{id}", RevokeAsync)
            .WithName("RevokeApiToken").WithSummary("Revoke one of your tokens; it stops working at once.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}", GetAsync)
            .WithName("GetApiToken").WithSummary("One of your personal access tokens (never its secret).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static readonly SortFields<ApiTokenDto> Orders = SortFields<ApiTokenDto>
        .By("createdAt", t => t.CreatedAt, t => t.Id, descending: true).And("name", t => t.Name).And("expiresAt", t => t.ExpiresAt);

    private static async Task<Ok<Page<ApiTokenDto>>> ListAsync(
        ClaimsPrincipal user, ApiTokenService tokens, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await tokens.ListAsync(user.GetUserId(), ct)).ToPage(list, Orders).WithNextLink(http.Request, list));

    private static async Task<Ok<ApiTokenDto>> GetAsync(Guid id, ClaimsPrincipal user, ApiTokenService tokens, CancellationToken ct) =>
        TypedResults.Ok(await tokens.GetAsync(user.GetUserId(), id, ct));

    private static async Task<Created<IssuedApiToken>> CreateAsync(
        CreateApiTokenRequest request, ClaimsPrincipal user, HttpContext http, ApiTokenService tokens, CancellationToken ct)
    {
        var issued = await tokens.IssuePersonalAsync(
            user.GetUserId(), user.GetTenantId(), request.Name, request.ExpiresInDays, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/v1/tokens/{issued.Token.Id}", issued);
    }

    private static async Task<NoContent> RevokeAsync(
        Guid id, ClaimsPrincipal user, HttpContext http, ApiTokenService tokens, CancellationToken ct)
    {
        await tokens.RevokeAsync(user.GetUserId(), user.GetTenantId(), id, http.ToAuditActor(), ct);
        return TypedResults.NoContent();
    }
}
