using Portal.Core.VirtualMachines;

namespace Portal.Data;

/// <summary>Query pieces every VM read shares.</summary>
public static class VirtualMachineQueries
{
    /// <summary>VMs that still exist and count against quota (every state but Deleted).</summary>
    public static IQueryable<VirtualMachine> Live(this IQueryable<VirtualMachine> vms) => vms.Where(v => v.State != VmState.Deleted);

    public static IQueryable<VirtualMachine> OwnedBy(this IQueryable<VirtualMachine> vms, Guid tenantId) => vms.Where(v => v.TenantId == tenantId);
}
