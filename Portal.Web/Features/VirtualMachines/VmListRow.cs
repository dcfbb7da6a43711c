using Portal.Core.Jobs;
using Portal.Core.Quotas;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.VirtualMachines;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Web.Features.Jobs;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>
/// One row of a VM list as the database returns it: the VM's own columns, its template and size names, its latest
/// unfinished job in short and the list's total, so a page is one query with no entity built or tracked.
/// </summary>
internal sealed record VmListRow(
    Guid Id,
    Guid SubscriptionId,
    string Name,
    Guid TemplateId,
    string? TemplateName,
    Guid HardwareProfileId,
    string? SizeName,
    bool Shielded,
    ShieldingPolicy? Policy,
    Guid? ShieldingDataId,
    int Vms,
    int Vcpus,
    int MemoryGiB,
    int StorageGiB,
    VmState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset StateChangedAt,
    ActiveJobRow? ActiveJob,
    int Total)
{
    public VmDto ToDto() => new(
        Id, SubscriptionId, Name, TemplateId, TemplateName ?? "", HardwareProfileId, SizeName ?? "", Shielded, Policy,
        ShieldingDataId, new ResourceAmount(Vms, Vcpus, MemoryGiB, StorageGiB), State, CreatedAt, StateChangedAt,
        ActiveJob?.ToSummary());
}

/// <summary>A VM's job under way, read as counts: what <see cref="JobSummaryDto"/> shows of it.</summary>
internal sealed record ActiveJobRow(
    Guid Id, JobType Type, JobState State, string? WaitingReason, int Steps, int DoneSteps, JobStepKind? RunningStep)
{
    public JobSummaryDto ToSummary() =>
        new(Id, Type, State, Job.ProgressOf(DoneSteps, Steps), RunningStep?.Title(), WaitingReason);
}

internal static class VmListRows
{
    /// <summary>
    /// Projects a page of <paramref name="all"/>, <paramref name="tenantId"/>'s VMs, to rows; <paramref name="all"/>
    /// (unordered, unpaged) is counted in the same statement.
    /// </summary>
    public static IQueryable<VmListRow> ToListRows(
        this IQueryable<VirtualMachine> page, PortalDbContext db, Guid tenantId, IQueryable<VirtualMachine> all) =>
        page.Select(v => new VmListRow(
            v.Id, v.SubscriptionId, v.Name,
            v.TemplateId, db.VmTemplates.Where(t => t.Id == v.TemplateId).Select(t => t.Name).FirstOrDefault(),
            v.HardwareProfileId, db.HardwareProfiles.Where(p => p.Id == v.HardwareProfileId).Select(p => p.Name).FirstOrDefault(),
            v.Shielded, v.Policy, v.ShieldingDataId,
            v.Resources.Vms, v.Resources.Vcpus, v.Resources.MemoryGiB, v.Resources.StorageGiB,
            v.State, v.CreatedAt, v.StateChangedAt,
            // The latest job per VM is picked by ranking jobs: by the tenant's first, or every tenant's would be ranked.
            db.Jobs.OwnedBy(tenantId).Unfinished().Where(j => j.VmId == v.Id).OrderByDescending(j => j.CreatedAt)
                .Select(j => new ActiveJobRow(
                    j.Id, j.Type, j.State, j.WaitingReason,
                    j.Steps.Count(),
                    j.Steps.Count(s => s.State == JobStepState.Succeeded || s.State == JobStepState.Skipped), // JobStep.IsDone
                    j.Steps.Where(s => s.State == JobStepState.Running).OrderBy(s => s.Order).Select(s => (JobStepKind?)s.Kind).FirstOrDefault()))
                .FirstOrDefault(),
            all.Count()));
}
