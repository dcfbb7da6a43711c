using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Jobs;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Tenants;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Idempotency;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>
/// A tenant's VMs. Every change is asynchronous: it answers 202 with the VM or job and a Location naming the job,
/// which <c>GET /api/v1/jobs/{id}</c> follows to its end. Another tenant's VM answers 404.
/// </summary>
public static class VmEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapVmEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1")
            .WithTags("Virtual machines")
            .RequireAuthorization(PortalPolicies.Tenant)
            .RequireActiveTenantForChanges();

        group.MapGet("/vms", (ClaimsPrincipal user, VmService vms, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
                ListAsync(user, vms, null, list, http, ct))
            .WithName("ListVms").WithSummary("Your VMs, each with the job under way if any.");
        group.MapGet("/subscriptions/{id}/vms", (Guid id, ClaimsPrincipal user, VmService vms, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
                ListAsync(user, vms, id, list, http, ct))
            .WithName("ListSubscriptionVms").WithSummary("The VMs of one of your subscriptions.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/vms", CreateAsync)
            .WithName("CreateVm").WithSummary("Create a VM (subscription in the body).")
            .WithDescription("Reserves quota and queues the create job in one transaction; 202 with Location /api/v1/jobs/{jobId}. "
                + "The same Idempotency-Key twice answers with the first VM. 409 with the numbers when over quota.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithIdempotency(storedWithResource: true);
        group.MapPost("/subscriptions/{id}/vms", (Guid id, CreateVmRequest request, ClaimsPrincipal user, HttpContext http, VmService vms, CancellationToken ct) =>
                CreateAsync(request with { SubscriptionId = id }, user, http, vms, ct))
            .WithName("CreateSubscriptionVm").WithSummary("Create a VM in one of your subscriptions.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithIdempotency(storedWithResource: true);
        group.MapGet("/vms/{id}", GetAsync)
            .WithName("GetVm").WithSummary("One of your VMs.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/vms/{id}", (Guid id, ClaimsPrincipal user, HttpContext http, VmService vms, CancellationToken ct) =>
                RequestAsync(id, JobType.Delete, user, http, vms, ct))
            .WithName("DeleteVm").WithSummary("Delete a VM (turned off first); its quota is released when the job ends.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        foreach (var (action, type) in Operations)
        {
            group.MapPost($"/vms/{{id}}/{action}", (Guid id, ClaimsPrincipal user, HttpContext http, VmService vms, CancellationToken ct) =>
                    RequestAsync(id, type, user, http, vms, ct))
                .WithName($"{type}Vm").WithSummary($"Queue a {type} job for the VM; 202 with Location /api/v1/jobs/{{jobId}}.")
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        }

        group.MapGet("/vms/{id}/jobs", JobsAsync)
            .WithName("ListVmJobs").WithSummary("The VM's jobs, newest first.").ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static readonly (string Action, JobType Type)[] Operations =
        [("start", JobType.Start), ("shutdown", JobType.ShutDown), ("turnoff", JobType.TurnOff), ("restart", JobType.Restart)];

    private static async Task<Ok<Page<VmDto>>> ListAsync(
        ClaimsPrincipal user, VmService vms, Guid? subscriptionId, ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await vms.ListAsync(user.GetRequiredTenantId(), subscriptionId, list, ct)).WithNextLink(http.Request, list));

    private static async Task<Ok<VmDto>> GetAsync(Guid id, ClaimsPrincipal user, VmService vms, CancellationToken ct) =>
        TypedResults.Ok(await vms.GetAsync(user.GetRequiredTenantId(), id, ct));

    private static async Task<Accepted<VmDto>> CreateAsync(
        CreateVmRequest request, ClaimsPrincipal user, HttpContext http, VmService vms, CancellationToken ct)
    {
        var key = http.Request.Headers[IdempotencyKeyHeader].ToString();
        var (vm, jobId, _) = await vms.CreateAsync(
            user.GetRequiredTenantId(), request, string.IsNullOrEmpty(key) ? null : key, http.ToAuditActor(), ct);
        return TypedResults.Accepted(JobEndpoints.Location(jobId), vm);
    }

    private static async Task<Accepted<JobDto>> RequestAsync(
        Guid id, JobType type, ClaimsPrincipal user, HttpContext http, VmService vms, CancellationToken ct)
    {
        var job = await vms.RequestAsync(user.GetRequiredTenantId(), id, type, http.ToAuditActor(), ct);
        return TypedResults.Accepted(JobEndpoints.Location(job.Id), job);
    }

    private static async Task<Ok<Page<JobDto>>> JobsAsync(
        Guid id, ClaimsPrincipal user, VmService vms, [AsParameters] ListQuery list, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok((await vms.JobsAsync(user.GetRequiredTenantId(), id, list, ct)).WithNextLink(http.Request, list));
}
