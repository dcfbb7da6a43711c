using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Jobs;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Jobs;

/// <summary>The provider's jobs monitor over every tenant's jobs.</summary>
public static class AdminJobEndpoints
{
    public static RouteGroupBuilder MapAdminJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/jobs").WithTags("Provider: jobs").RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", ListAsync).WithName("AdminListJobs").WithSummary("Jobs, newest first, by state, host or tenant.");
        group.MapGet("/{id}", GetAsync).WithName("AdminGetJob").WithSummary("One job with its steps, host and tenant.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/restart", RestartAsync).WithName("AdminRestartJob")
            .WithSummary("Queue a failed job again with fresh attempts.").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id}/cancel", CancelAsync).WithName("AdminCancelJob")
            .WithSummary("Cancel a job no host has claimed yet.").ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Ok<Page<AdminJobDto>>> ListAsync(
        JobAdministration jobs, [AsParameters] ListQuery list, HttpContext http, JobState? state = null, Guid? hostId = null,
        Guid? tenantId = null, CancellationToken ct = default) =>
        TypedResults.Ok((await jobs.ListAsync(new JobAdministration.Filter(state, hostId, tenantId), list, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<AdminJobDto>> GetAsync(Guid id, JobAdministration jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.GetAsync(id, ct));

    private static async Task<Ok<AdminJobDto>> RestartAsync(Guid id, HttpContext http, JobAdministration jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.RestartAsync(id, http.ToAuditActor(), ct));

    private static async Task<Ok<AdminJobDto>> CancelAsync(Guid id, HttpContext http, JobAdministration jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.CancelAsync(id, http.ToAuditActor(), ct));
}
