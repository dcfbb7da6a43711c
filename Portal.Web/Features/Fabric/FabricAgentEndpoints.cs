using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Fabric.Protocol;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Fabric;

/// <summary>
/// The API guarded hosts' agents call (they pull; nothing connects in to a host). Join is the only anonymous call
/// and needs a one-time join token; everything else authenticates as the host. Job pulls will join this group.
/// </summary>
public static class FabricAgentEndpoints
{
    public static RouteGroupBuilder MapFabricAgentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(FabricRoutes.Base).WithTags("Fabric: host agents");
        group.MapPost("/join", JoinAsync).AllowAnonymous();
        group.MapPost("/heartbeat", HeartbeatAsync).RequireAuthorization(FabricHostAuthenticationHandler.PolicyName);
        return group;
    }

    private static async Task<Results<Ok<JoinResponse>, ProblemHttpResult>> JoinAsync(
        JoinRequest request, HttpContext http, FabricMembership fabric, CancellationToken ct)
    {
        var joined = await fabric.JoinAsync(request, http.Connection.RemoteIpAddress?.ToString(), ct);
        return joined is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "The join token is unknown. Ask a provider admin for a new one on the Fabric page.")
            : TypedResults.Ok(joined);
    }

    private static async Task<Results<Ok<HeartbeatResponse>, ProblemHttpResult>> HeartbeatAsync(
        HeartbeatRequest request, ClaimsPrincipal user, FabricMembership fabric, CancellationToken ct)
    {
        var hostId = FabricHostAuthenticationHandler.GetHostId(user);
        if (request.HostId != hostId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "This credential belongs to another host: a host may only report for itself.");
        }

        return TypedResults.Ok(await fabric.HeartbeatAsync(hostId, request, ct));
    }
}

/// <summary>The provider's API over the fabric.</summary>
public static class FabricAdminEndpoints
{
    public static RouteGroupBuilder MapFabricAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/fabric")
            .WithTags("Provider: fabric")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/hosts", ListAsync);
        group.MapGet("/hosts/{id:guid}", GetAsync);
        group.MapPost("/hosts/{id:guid}/drain", (Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
            ApplyAsync(id, FabricAdministration.HostAction.Drain, http, fabric, ct));
        group.MapPost("/hosts/{id:guid}/maintenance", (Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
            ApplyAsync(id, FabricAdministration.HostAction.Maintenance, http, fabric, ct));
        group.MapPost("/hosts/{id:guid}/resume", (Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
            ApplyAsync(id, FabricAdministration.HostAction.Resume, http, fabric, ct));
        group.MapDelete("/hosts/{id:guid}", RemoveAsync);
        group.MapPost("/join-tokens", CreateJoinTokenAsync);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<FabricHostDto>>> ListAsync(
        FabricAdministration fabric, bool includeRemoved = false, CancellationToken ct = default) =>
        TypedResults.Ok(await fabric.ListAsync(includeRemoved, ct));

    private static async Task<Ok<FabricHostDto>> GetAsync(Guid id, FabricAdministration fabric, CancellationToken ct) =>
        TypedResults.Ok(await fabric.GetAsync(id, ct));

    private static async Task<Ok<FabricHostDto>> ApplyAsync(
        Guid id, FabricAdministration.HostAction action, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
        TypedResults.Ok(await fabric.ApplyAsync(id, action, http.ToAuditActor(), ct));

    private static async Task<NoContent> RemoveAsync(Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct)
    {
        await fabric.ApplyAsync(id, FabricAdministration.HostAction.Remove, http.ToAuditActor(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<IssuedJoinToken>> CreateJoinTokenAsync(
        CreateJoinTokenRequest? request, HttpContext http, FabricAdministration fabric, CancellationToken ct)
    {
        var portal = new Uri($"{http.Request.Scheme}://{http.Request.Host}");
        var issued = await fabric.IssueJoinTokenAsync(request?.ExpiresInHours ?? 24, portal, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/admin/v1/fabric/join-tokens/{issued.Id}", issued);
    }
}
