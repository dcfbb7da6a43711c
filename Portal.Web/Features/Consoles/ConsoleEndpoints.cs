using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Core.Fabric.Protocol;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Features.FabricAgents;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.Consoles;

/// <summary>
/// A VM's serial console over WebSockets. The viewer connects to <c>GET /api/v1/vms/{id}/console</c> (an upgrade; a plain
/// GET or HEAD only says whether a console can be opened now: 204, 404, 409). The VM's host learns of the session by
/// long-polling <c>GET /api/fabric/v1/consoles/next</c> and connects to <c>/api/fabric/v1/consoles/{sessionId}</c>.
/// </summary>
public static class ConsoleEndpoints
{
    public const string CrossSiteRefusal =
        "A console opened with the sign-in cookie must come from the portal's own pages (Origin mismatch).";

    public static void MapConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/api/v1")
            .WithTags("Virtual machines")
            .RequireAuthorization(PortalPolicies.Tenant);
        tenant.MapGet("/vms/{id}/console", ConsoleAsync)
            .WithName("GetVmConsole")
            .WithSummary("The VM's serial console as a WebSocket (binary frames both ways); a plain GET answers 204 when it can be opened.")
            .WithDescription("Refused with 409 for a VM under the Shielded policy and for a VM that is not running; 404 for an unknown VM "
                + "or another tenant's. An upgrade authenticated by the sign-in cookie must carry the portal's own Origin (403 otherwise). "
                + "The session closes with a reason when the VM's host does not connect in time or either side ends it.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        tenant.MapMethods("/vms/{id}/console", [HttpMethods.Head], ConsoleAsync)
            .WithName("HeadVmConsole")
            .WithSummary("Whether the VM's console can be opened now: 204, or 404/409 as for GET.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var hosts = app.MapGroup(ConsoleRoutes.Base)
            .WithTags("Fabric: host agents")
            .RequireAuthorization(FabricHostAuthenticationHandler.PolicyName);
        hosts.MapGet("/next", NextAsync)
            .WithName("AgentNextConsole")
            .WithSummary("Long-polls for the next console session of a VM on this host: 200 with it, 204 when none came.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        hosts.MapGet("/{sessionId}", HostSessionAsync)
            .WithName("AgentConnectConsole")
            .WithSummary("This host's end of a console session, as a WebSocket upgrade (binary frames both ways).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<NoContent, EmptyHttpResult, ProblemHttpResult>> ConsoleAsync(
        Guid id, HttpContext http, ConsoleAccess access, ConsoleConnections connections, CancellationToken ct)
    {
        var upgrade = http.WebSockets.IsWebSocketRequest;
        var forbidden = upgrade && !ApiTokenAuthenticationHandler.HasBearer(http.Request) && !IsSameOrigin(http.Request)
            ? CrossSiteRefusal
            : null;
        var actor = http.ToAuditActor();
        ConsoleTarget target;
        try
        {
            target = await access.CheckAsync(http.User.GetRequiredTenantId(), id, actor, forbidden, ct);
        }
        catch (ConsoleForbiddenException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: e.Message);
        }

        if (!upgrade)
        {
            return TypedResults.NoContent();
        }

        using var viewer = await http.WebSockets.AcceptWebSocketAsync();
        await connections.RunViewerAsync(viewer, target, actor, http.RequestAborted);
        return TypedResults.Empty;
    }

    private static async Task<Results<Ok<ConsoleRequest>, NoContent>> NextAsync(
        [FromQuery] int? waitSeconds, ClaimsPrincipal user, ConsoleBroker broker, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds(Math.Clamp(waitSeconds ?? 0, 0, 60));
        var request = await broker.NextAsync(FabricHostAuthenticationHandler.GetHostId(user), wait, ct);
        return request is null ? TypedResults.NoContent() : TypedResults.Ok(request);
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> HostSessionAsync(
        Guid sessionId, HttpContext http, ConsoleConnections connections)
    {
        var hostId = FabricHostAuthenticationHandler.GetHostId(http.User);
        if (!connections.IsWaiting(sessionId, hostId))
        {
            // Another host's session reads exactly like one that does not exist.
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "No console session with this id is waiting for this host.");
        }

        if (!http.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request",
                detail: "A console session is a WebSocket: connect with an upgrade request.");
        }

        using var host = await http.WebSockets.AcceptWebSocketAsync();
        await connections.RunHostAsync(host, sessionId, hostId, http.RequestAborted);
        return TypedResults.Empty;
    }

    /// <summary>
    /// A browser attaches the sign-in cookie to a WebSocket handshake started by any site (no CORS applies), so a
    /// cookie-authenticated upgrade must name the portal itself as its Origin: its host and port.
    /// </summary>
    public static bool IsSameOrigin(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }

        // The scheme is not compared: behind a TLS-terminating proxy the portal sees http while the page is https.
        return (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            && uri.AbsolutePath == "/";
    }
}
