using Microsoft.EntityFrameworkCore;
using Portal.Core.VirtualMachines;
using Portal.Data;
using Portal.Web.Infrastructure.Paging;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>Every tenant's VMs for the provider: metadata only (tenant, subscription, host, state), never a secret.</summary>
public sealed class VmAdministration(IDbContextFactory<PortalDbContext> dbFactory)
{
    public sealed record Filter(Guid? TenantId = null, Guid? HostId = null, VmState? State = null);

    public async Task<Page<AdminVmDto>> ListAsync(Filter filter, ListQuery list, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var page = await Filtered(db, filter).ToPageAsync(list, VmService.Orders, ct);
        return new Page<AdminVmDto>(await ToDtosAsync(db, page.Items, ct), page.Total);
    }

    private static IQueryable<VirtualMachine> Filtered(PortalDbContext db, Filter filter)
    {
        var query = db.VirtualMachines.AsNoTracking().Live();
        if (filter.TenantId is { } tenantId)
        {
            query = query.OwnedBy(tenantId);
        }

        if (filter.HostId is { } hostId)
        {
            query = query.Where(v => v.HostId == hostId);
        }

        if (filter.State is { } state)
        {
            query = query.Where(v => v.State == state);
        }

        return query;
    }

    private static async Task<IReadOnlyList<AdminVmDto>> ToDtosAsync(PortalDbContext db, IReadOnlyList<VirtualMachine> vms, CancellationToken ct)
    {
        var dtos = await db.ToDtosAsync(vms, ct);
        var tenantIds = vms.Select(v => v.TenantId).Distinct().ToList();
        var hostIds = vms.Where(v => v.HostId != null).Select(v => v.HostId!.Value).Distinct().ToList();
        var tenants = await db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var hosts = await db.GuardedHosts.AsNoTracking().Where(h => hostIds.Contains(h.Id)).ToDictionaryAsync(h => h.Id, h => h.Name, ct);
        return [.. vms.Zip(dtos, (vm, dto) => new AdminVmDto(
            dto, vm.TenantId, tenants.GetValueOrDefault(vm.TenantId, ""), vm.HostId,
            vm.HostId is { } h ? hosts.GetValueOrDefault(h) : null, vm.KeyProtector is not null))];
    }
}
