using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Fabric.Protocol;

namespace Portal.Web.Features.FabricAgents;

/// <summary>
/// The API guarded hosts' agents call (they pull; nothing connects in to a host). Join is the only anonymous call
/// and needs a one-time join token; everything else authenticates as the host. Job pulls will join this group.
/// </summary>
public static class FabricAgentEndpoints
{
    public static RouteGroupBuilder MapFabricAgentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(FabricRoutes.Base).WithTags("Fabric: host agents");
        group.MapPost("/join", JoinAsync).AllowAnonymous()
            .WithName("AgentJoin").WithSummary("Join the fabric with a one-time join token; answers the host's credential, once.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/heartbeat", HeartbeatAsync).RequireAuthorization(FabricHostAuthenticationHandler.PolicyName)
            .WithName("AgentHeartbeat").WithSummary("Report the host's capacity, VMs and attestation; answers the host's state in the fabric.")
            .ProducesValidationProblem();
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
