namespace Portal.Core.Plans;

/// <summary>One hardware profile (VM size) a plan offers.</summary>
public sealed class PlanHardwareProfileOffering
{
    internal PlanHardwareProfileOffering(Guid hardwareProfileId)
    {
        HardwareProfileId = hardwareProfileId;
    }

    public Guid HardwareProfileId { get; private set; }
}
