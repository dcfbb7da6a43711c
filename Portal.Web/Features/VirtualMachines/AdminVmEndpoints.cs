using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.VirtualMachines;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.VirtualMachines;

public static class AdminVmEndpoints
{
    public static RouteGroupBuilder MapAdminVmEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/v1/vms").WithTags("Provider: virtual machines").RequireAuthorization(PortalPolicies.ProviderAdmin);
        group.MapGet("/", ListAsync).WithName("AdminListVms").WithSummary("Every tenant's VMs: tenant, subscription, host, state — no secrets.");
        return group;
    }

    private static async Task<Ok<IReadOnlyList<AdminVmDto>>> ListAsync(
        VmAdministration vms, Guid? tenantId = null, Guid? hostId = null, VmState? state = null, int take = 200, CancellationToken ct = default) =>
        TypedResults.Ok(await vms.ListAsync(new VmAdministration.Filter(tenantId, hostId, state, take), ct));
}
