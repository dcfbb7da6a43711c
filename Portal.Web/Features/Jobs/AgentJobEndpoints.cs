using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Core.Fabric.Protocol;
using Portal.Web.Features.FabricAgents;
using Portal.Web.Infrastructure.OpenApi;

namespace Portal.Web.Features.Jobs;

/// <summary>
/// Jobs as the guarded hosts' agents pull them: a long-polling claim, then step reports, lease renewals, the key
/// protector of a new shielded VM, the sealed shielding data, and the end — each fenced (409 once the lease is lost).
/// </summary>
public static class AgentJobEndpoints
{
    public static RouteGroupBuilder MapAgentJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(FabricRoutes.Jobs)
            .WithTags("Fabric: host agents")
            .RequireAuthorization(FabricHostAuthenticationHandler.PolicyName);
        group.MapPost("/claim", ClaimAsync).WithName("AgentClaimJob")
            .WithSummary("Long-polls for the next job placed on this host: 200 with the job under a lease, 204 when none came.");
        group.MapPost("/{id}/steps", ReportStepAsync).WithName("AgentReportStep")
            .WithSummary("Report a step's state; renews the lease (409 once it is lost).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/lease", RenewLeaseAsync).WithName("AgentRenewLease")
            .WithSummary("Renew the job's lease (409 once it is lost).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/key-protector", StoreKeyProtectorAsync).WithName("AgentStoreKeyProtector")
            .WithSummary("Store the key protector of the new shielded VM the job creates.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id}/shielding-data", GetShieldingDataAsync).WithName("AgentGetShieldingData")
            .WithSummary("The VM's sealed shielding data file (header X-Fencing-Token).")
            .ProducesFile(description: "The sealed shielding data file, as the tenant uploaded it.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/complete", CompleteAsync).WithName("AgentCompleteJob")
            .WithSummary("Finish the job: succeeded, or failed with its error (409 once the lease is lost).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Ok<JobAssignment>, NoContent>> ClaimAsync(
        ClaimJobRequest? request, ClaimsPrincipal user, JobDispatch dispatch, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds(Math.Clamp(request?.WaitSeconds ?? 0, 0, 60));
        var assignment = await dispatch.ClaimAsync(FabricHostAuthenticationHandler.GetHostId(user), wait, ct);
        return assignment is null ? TypedResults.NoContent() : TypedResults.Ok(assignment);
    }

    private static async Task<Ok<LeaseRenewal>> ReportStepAsync(
        Guid id, StepReport report, ClaimsPrincipal user, JobDispatch dispatch, CancellationToken ct) =>
        TypedResults.Ok(await dispatch.ReportStepAsync(FabricHostAuthenticationHandler.GetHostId(user), id, report, ct));

    private static async Task<Ok<LeaseRenewal>> RenewLeaseAsync(
        Guid id, LeaseRenewalRequest request, ClaimsPrincipal user, JobDispatch dispatch, CancellationToken ct) =>
        TypedResults.Ok(await dispatch.RenewLeaseAsync(FabricHostAuthenticationHandler.GetHostId(user), id, request.FencingToken, ct));

    private static async Task<NoContent> StoreKeyProtectorAsync(
        Guid id, KeyProtectorReport report, ClaimsPrincipal user, JobDispatch dispatch, CancellationToken ct)
    {
        await dispatch.StoreKeyProtectorAsync(Host(user), id, report, ct);
        return TypedResults.NoContent();
    }

    private static async Task<FileContentHttpResult> GetShieldingDataAsync(
        Guid id, [FromHeader(Name = FabricHeaders.FencingToken)] long fencingToken, ClaimsPrincipal user, JobDispatch dispatch, CancellationToken ct) =>
        TypedResults.File(await dispatch.GetShieldingDataAsync(FabricHostAuthenticationHandler.GetHostId(user), id, fencingToken, ct),
            "application/octet-stream");

    private static async Task<NoContent> CompleteAsync(
        Guid id, JobCompletion completion, ClaimsPrincipal user, JobDispatch dispatch, CancellationToken ct)
    {
        await dispatch.CompleteAsync(Host(user), id, completion, ct);
        return TypedResults.NoContent();
    }

    private static AgentHost Host(ClaimsPrincipal user) => new(FabricHostAuthenticationHandler.GetHostId(user), user.Identity?.Name ?? "");
}
