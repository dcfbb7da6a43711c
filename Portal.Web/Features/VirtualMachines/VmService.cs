using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.VirtualMachines;
using Portal.Data;
using Portal.Data.Quotas;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>
/// A tenant's VMs as far as quotas go: creating one reserves its quota atomically and leaves it Provisioning.
/// The job that builds it on a host arrives with the VM lifecycle.
/// </summary>
public sealed class VmService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<VmDto>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vms = await db.VirtualMachines.AsNoTracking()
            .Where(v => v.TenantId == tenantId && v.State != VmState.Deleted)
            .OrderBy(v => v.Name)
            .ToListAsync(ct);
        return [.. vms.Select(v => v.ToDto())];
    }

    public async Task<VmDto> CreateAsync(Guid tenantId, CreateVmRequest request, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vm = await VmReservation.ReserveAsync(db,
            new VmReservationRequest(tenantId, request.SubscriptionId, request.Name ?? "", request.TemplateId,
                request.HardwareProfileId, request.Shielded),
            actor, time.GetUtcNow(), ct);
        return vm.ToDto();
    }
}
