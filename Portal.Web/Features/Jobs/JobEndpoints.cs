using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Jobs;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.Jobs;

/// <summary>A tenant follows its jobs here; the Location of every 202 from the VM API points at one.</summary>
public static class JobEndpoints
{
    public static string Location(Guid jobId) => $"/api/v1/jobs/{jobId}";

    public static RouteGroupBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/jobs").WithTags("Jobs").RequireAuthorization(PortalPolicies.Tenant);
        group.MapGet("/", ListAsync).WithName("ListJobs").WithSummary("Your most recent jobs, newest first.");
        group.MapGet("/{id}", GetAsync).WithName("GetJob").WithSummary("One of your jobs with its steps.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Ok<Page<JobDto>>> ListAsync(
        ClaimsPrincipal user, JobService jobs, [AsParameters] ListQuery list, HttpContext http, JobState? state = null,
        CancellationToken ct = default) =>
        TypedResults.Ok((await jobs.ListAsync(user.GetRequiredTenantId(), state, list, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<JobDto>> GetAsync(Guid id, ClaimsPrincipal user, JobService jobs, CancellationToken ct) =>
        TypedResults.Ok(await jobs.GetAsync(user.GetRequiredTenantId(), id, ct));
}
