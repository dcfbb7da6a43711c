using Portal.Core.Quotas;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.VirtualMachines;
using Portal.Web.Features.Jobs;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>A VM as its tenant sees it; <see cref="ActiveJob"/> is the job under way, if any. No host, no key.</summary>
public sealed record VmDto(
    Guid Id,
    Guid SubscriptionId,
    string Name,
    Guid TemplateId,
    string TemplateName,
    Guid HardwareProfileId,
    string SizeName,
    bool Shielded,
    ShieldingPolicy? Policy,
    Guid? ShieldingDataId,
    ResourceAmount Resources,
    VmState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset StateChangedAt,
    JobSummaryDto? ActiveJob);

/// <summary>A VM as the provider sees it: metadata only — where it runs and whose it is, never a secret.</summary>
public sealed record AdminVmDto(VmDto Vm, Guid TenantId, string TenantName, Guid? HostId, string? HostName, bool HasKeyProtector);

/// <summary>
/// A new VM. <paramref name="ShieldingDataId"/> names one of the tenant's shielding data files and is required exactly
/// when <paramref name="Shielded"/> is true.
/// </summary>
public sealed record CreateVmRequest(
    Guid SubscriptionId, string? Name, Guid TemplateId, Guid HardwareProfileId, bool Shielded, Guid? ShieldingDataId = null);
