using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.ApiTokens;

public static class ApiTokenEndpoints
{
    public static RouteGroupBuilder MapApiTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/tokens").WithTags("API tokens").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync).NoStore();
        group.MapDelete("/{id:guid}", RevokeAsync);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<ApiTokenDto>>> ListAsync(
        ClaimsPrincipal user, ApiTokenService tokens, CancellationToken ct) =>
        TypedResults.Ok(await tokens.ListAsync(user.GetUserId(), ct));

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
