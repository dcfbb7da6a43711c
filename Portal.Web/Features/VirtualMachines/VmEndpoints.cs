using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Features.Tenants;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.VirtualMachines;

public static class VmEndpoints
{
    public static RouteGroupBuilder MapVmEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/vms")
            .WithTags("Virtual machines")
            .RequireAuthorization(PortalPolicies.Tenant)
            .RequireActiveTenantForChanges();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<VmDto>>> ListAsync(ClaimsPrincipal user, VmService vms, CancellationToken ct) =>
        TypedResults.Ok(await vms.ListAsync(user.GetRequiredTenantId(), ct));

    /// <summary>202: the VM is reserved against quota and Provisioning; building it is asynchronous.</summary>
    private static async Task<Accepted<VmDto>> CreateAsync(
        CreateVmRequest request, ClaimsPrincipal user, HttpContext http, VmService vms, CancellationToken ct)
    {
        var vm = await vms.CreateAsync(user.GetRequiredTenantId(), request, http.ToAuditActor(), ct);
        return TypedResults.Accepted($"/api/v1/vms/{vm.Id}", vm);
    }
}
