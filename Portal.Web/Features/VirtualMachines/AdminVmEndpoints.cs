using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.VirtualMachines;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.VirtualMachines;

public static class AdminVmEndpoints
{
    public static RouteGroupBuilder MapAdminVmEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/vms").WithTags("Provider: virtual machines").RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", ListAsync).WithName("AdminListVms").WithSummary("Every tenant's VMs: tenant, subscription, host, state — no secrets.");
        return group;
    }

    private static async Task<Ok<Page<AdminVmDto>>> ListAsync(
        VmAdministration vms, [AsParameters] ListQuery list, HttpContext http, Guid? tenantId = null, Guid? hostId = null,
        VmState? state = null, CancellationToken ct = default) =>
        TypedResults.Ok((await vms.ListAsync(new VmAdministration.Filter(tenantId, hostId, state), list, ct)).WithNextLink(http.Request, list));
}
