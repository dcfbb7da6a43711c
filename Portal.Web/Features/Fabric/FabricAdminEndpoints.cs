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
        group.MapGet("/hosts", ListAsync);
        group.MapGet("/hosts/{id:guid}", GetAsync);
        group.MapPost("/hosts/{id:guid}/drain", (Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
            ApplyAsync(id, FabricAdministration.HostAction.Drain, http, fabric, ct));
        group.MapPost("/hosts/{id:guid}/maintenance", (Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
            ApplyAsync(id, FabricAdministration.HostAction.Maintenance, http, fabric, ct));
        group.MapPost("/hosts/{id:guid}/resume", (Guid id, HttpContext http, FabricAdministration fabric, CancellationToken ct) =>
            ApplyAsync(id, FabricAdministration.HostAction.Resume, http, fabric, ct));
        group.MapDelete("/hosts/{id:guid}", RemoveAsync);
        group.MapPost("/join-tokens", CreateJoinTokenAsync)
            .WithIdempotency();
        group.MapGet("/join-tokens/{id:guid}", GetJoinTokenAsync);
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
