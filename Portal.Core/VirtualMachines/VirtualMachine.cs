using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Quotas;

namespace Portal.Core.VirtualMachines;

/// <summary>
/// A tenant's VM as far as quotas see it: what it consumes and whether it still counts.
/// Its full lifecycle (jobs, hosts, shielding) arrives with the VM issue.
/// </summary>
public sealed class VirtualMachine
{
    public const int NameMaxLength = 64;

    private VirtualMachine()
    {
    }

    public Guid Id { get; private set; }

    public Guid TenantId { get; private set; }

    public Guid SubscriptionId { get; private set; }

    public string Name { get; private set; } = "";

    public Guid TemplateId { get; private set; }

    public Guid HardwareProfileId { get; private set; }

    public bool Shielded { get; private set; }

    /// <summary>The tenant's shielding data the VM is specialised from; only a shielded VM has one.</summary>
    public Guid? ShieldingDataId { get; private set; }

    /// <summary>What this VM counts against its subscription's quota (always one VM).</summary>
    public ResourceAmount Resources { get; private set; } = ResourceAmount.Zero;

    public VmState State { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset StateChangedAt { get; private set; }

    /// <summary>True while the VM counts against quota: every state but Deleted, including Provisioning.</summary>
    public bool IsLive => State != VmState.Deleted;

    /// <summary>A new VM in Provisioning, sized by <paramref name="size"/>. Reserve it through the quota check.</summary>
    public static VirtualMachine Create(
        Guid tenantId, Guid subscriptionId, string name, Guid templateId, HardwareProfile size, bool shielded,
        DateTimeOffset now, Guid? shieldingDataId = null)
    {
        ArgumentNullException.ThrowIfNull(size);
        if (templateId == Guid.Empty)
        {
            throw DomainValidationException.For(nameof(TemplateId), "A template is required.");
        }

        if (shieldingDataId is not null && (!shielded || shieldingDataId == Guid.Empty))
        {
            throw DomainValidationException.For(nameof(ShieldingDataId), "Only a shielded VM is specialised from shielding data.");
        }

        return new VirtualMachine
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenantId,
            SubscriptionId = subscriptionId,
            Name = Guard.Text(name, nameof(Name), 1, NameMaxLength),
            TemplateId = templateId,
            HardwareProfileId = size.Id,
            Shielded = shielded,
            ShieldingDataId = shieldingDataId,
            Resources = size.ToAmount(),
            State = VmState.Provisioning,
            CreatedAt = now,
            StateChangedAt = now,
        };
    }

    public void MarkRunning(DateTimeOffset now) => MoveTo(VmState.Running, now, State switch
    {
        VmState.Provisioning or VmState.Stopped => true,
        VmState.Running or VmState.Failed or VmState.Deleted => false,
    });

    public void MarkStopped(DateTimeOffset now) => MoveTo(VmState.Stopped, now, State switch
    {
        VmState.Running => true,
        VmState.Provisioning or VmState.Stopped or VmState.Failed or VmState.Deleted => false,
    });

    public void MarkFailed(DateTimeOffset now) => MoveTo(VmState.Failed, now, State switch
    {
        VmState.Provisioning => true,
        VmState.Running or VmState.Stopped or VmState.Failed or VmState.Deleted => false,
    });

    /// <summary>Releases the VM's quota. Allowed from any state but Deleted.</summary>
    public void MarkDeleted(DateTimeOffset now) => MoveTo(VmState.Deleted, now, IsLive);

    private void MoveTo(VmState next, DateTimeOffset now, bool allowed)
    {
        if (!allowed)
        {
            throw new StateConflictException($"VM '{Name}' is {State} and cannot become {next}.");
        }

        State = next;
        StateChangedAt = now;
    }
}
