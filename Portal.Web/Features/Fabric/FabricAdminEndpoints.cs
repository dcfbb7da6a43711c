using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Idempotency;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Fabric;

/// <summary>The provider's API over the fabric.</summary>
public static class FabricAdminEndpoints
{
    public static RouteGroupBuilder MapFabricAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/fabric")
            .WithTags("Provider: fabric")
            .RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/hosts", ListAsync)
            .WithName("AdminListHosts").WithSummary("The guarded hosts: state, capacity and use, heartbeat and attestation.");
        group.MapGet("/hosts/{id}", GetAsync)
            .WithName("AdminGetHost").WithSummary("One guarded host.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/hosts/{id}/drain", (Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
                ApplyAsync(id, FabricAdministration.HostAction.Drain, http, fabric, ct))
            .WithName("AdminDrainHost").WithSummary("Place no new VMs on a host; the VMs on it keep running.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/hosts/{id}/maintenance", (Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
                ApplyAsync(id, FabricAdministration.HostAction.Maintenance, http, fabric, ct))
            .WithName("AdminHostMaintenance").WithSummary("Put a host in maintenance: no placement and no jobs.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/hosts/{id}/resume", (Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
                ApplyAsync(id, FabricAdministration.HostAction.Resume, http, fabric, ct))
            .WithName("AdminResumeHost").WithSummary("Return a drained or maintained host to service.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/hosts/{id}", RemoveAsync)
            .WithName("AdminRemoveHost").WithSummary("Remove a host from the fabric; its credential stops working.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/join-tokens", CreateJoinTokenAsync)
            .WithName("AdminCreateJoinToken").WithSummary("Issue a one-time join token for a new host (shown once), with the agent's command line.")
            .ProducesValidationProblem()
            .WithIdempotency()
            .NoStore();
        group.MapGet("/join-tokens/{id}", GetJoinTokenAsync)
            .WithName("AdminGetJoinToken").WithSummary("One join token: its host name, expiry and whether it was used (never its secret).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Ok<Page<FabricHostDto>>> ListAsync(
        FabricAdministration fabric, [AsParameters] ListQuery list, HttpContext http, bool includeRemoved = false, CancellationToken ct = default) =>
        TypedResults.Ok((await fabric.ListAsync(includeRemoved, list, ct)).WithNextLink(http.Request, list));

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

    private static async Task<Ok<JoinTokenDto>> GetJoinTokenAsync(Guid id, FabricAdministration fabric, CancellationToken ct) =>
        TypedResults.Ok(await fabric.GetJoinTokenAsync(id, ct));

    private static async Task<Created<IssuedJoinToken>> CreateJoinTokenAsync(
        CreateJoinTokenRequest? request, HttpContext http, FabricAdministration fabric, CancellationToken ct)
    {
        var portal = new Uri($"{http.Request.Scheme}://{http.Request.Host}");
        var issued = await fabric.IssueJoinTokenAsync(request?.ExpiresInHours ?? 24, portal, http.ToAuditActor(), ct);
        return TypedResults.Created($"/api/admin/v1/fabric/join-tokens/{issued.Id}", issued);
    }
}
