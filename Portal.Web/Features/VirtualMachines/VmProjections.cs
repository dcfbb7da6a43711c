using Microsoft.EntityFrameworkCore;
using Portal.Core.Jobs;
using Portal.Core.VirtualMachines;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Web.Features.Jobs;

namespace Portal.Web.Features.VirtualMachines;

internal static class VmProjections
{
    /// <summary>DTOs for VMs, with their template and size names and their latest unfinished job, in one query.</summary>
    public static async Task<IReadOnlyList<VmDto>> ToDtosAsync(this PortalDbContext db, IReadOnlyList<VirtualMachine> vms, CancellationToken ct)
    {
        var vmIds = vms.Select(v => v.Id).ToList();
        // Filtered by VM before the latest is picked per VM: the pick then ranks only these VMs' jobs, not every queued one.
        var unfinished = db.Jobs.AsNoTracking().Unfinished().Where(j => vmIds.Contains(j.VmId));
        var related = await db.VirtualMachines.AsNoTracking()
            .Where(v => vmIds.Contains(v.Id))
            .Select(v => new
            {
                v.Id,
                TemplateName = db.VmTemplates.Where(t => t.Id == v.TemplateId).Select(t => t.Name).FirstOrDefault(),
                SizeName = db.HardwareProfiles.Where(p => p.Id == v.HardwareProfileId).Select(p => p.Name).FirstOrDefault(),
                Job = unfinished.Where(j => j.VmId == v.Id).OrderByDescending(j => j.CreatedAt).FirstOrDefault(),
            })
            .ToDictionaryAsync(r => r.Id, ct);
        return [.. vms.Select(v => related.TryGetValue(v.Id, out var r)
            ? v.ToDto(r.TemplateName ?? "", r.SizeName ?? "", r.Job)
            : v.ToDto("", "", null))];
    }

    /// <summary>A VM's DTO from what its caller already holds: no query.</summary>
    public static VmDto ToDto(this VirtualMachine v, string templateName, string sizeName, Job? activeJob) => new(
        v.Id, v.SubscriptionId, v.Name, v.TemplateId, templateName, v.HardwareProfileId, sizeName, v.Shielded, v.Policy,
        v.ShieldingDataId, v.Resources, v.State, v.CreatedAt, v.StateChangedAt, activeJob?.ToSummary());
}
