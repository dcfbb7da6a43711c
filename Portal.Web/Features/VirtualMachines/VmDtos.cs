using Portal.Core.Quotas;
using Portal.Core.VirtualMachines;

namespace Portal.Web.Features.VirtualMachines;

public sealed record VmDto(
    Guid Id, Guid SubscriptionId, string Name, Guid TemplateId, Guid HardwareProfileId, bool Shielded,
    ResourceAmount Resources, VmState State, DateTimeOffset CreatedAt);

public sealed record CreateVmRequest(Guid SubscriptionId, string? Name, Guid TemplateId, Guid HardwareProfileId, bool Shielded);

internal static class VmMapping
{
    public static VmDto ToDto(this VirtualMachine v) => new(
        v.Id, v.SubscriptionId, v.Name, v.TemplateId, v.HardwareProfileId, v.Shielded, v.Resources, v.State, v.CreatedAt);
}
