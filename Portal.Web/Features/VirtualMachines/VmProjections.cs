using Microsoft.EntityFrameworkCore;
using Portal.Core.VirtualMachines;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Web.Features.Jobs;

namespace Portal.Web.Features.VirtualMachines;

internal static class VmProjections
{
    /// <summary>DTOs for VMs, with their template and size names and their unfinished job, in three queries.</summary>
    public static async Task<IReadOnlyList<VmDto>> ToDtosAsync(this PortalDbContext db, IReadOnlyList<VirtualMachine> vms, CancellationToken ct)
    {
        var templateIds = vms.Select(v => v.TemplateId).Distinct().ToList();
        var sizeIds = vms.Select(v => v.HardwareProfileId).Distinct().ToList();
        var vmIds = vms.Select(v => v.Id).ToList();
        var templates = await db.VmTemplates.AsNoTracking().Where(t => templateIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var sizes = await db.HardwareProfiles.AsNoTracking().Where(p => sizeIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var active = (await db.Jobs.AsNoTracking().Unfinished().Where(j => vmIds.Contains(j.VmId)).ToListAsync(ct))
            .GroupBy(j => j.VmId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(j => j.CreatedAt).First());
        return [.. vms.Select(v => new VmDto(
            v.Id, v.SubscriptionId, v.Name, v.TemplateId, templates.GetValueOrDefault(v.TemplateId, ""), v.HardwareProfileId,
            sizes.GetValueOrDefault(v.HardwareProfileId, ""), v.Shielded, v.Policy, v.ShieldingDataId, v.Resources, v.State, v.CreatedAt,
            v.StateChangedAt, active.TryGetValue(v.Id, out var job) ? job.ToSummary() : null))];
    }
}
