namespace Portal.Data.Quotas;

/// <summary>
/// A tenant's request for a new VM, before quota and offering checks. <paramref name="FabricGuardianThumbprint"/> is this
/// fabric's guardian (null when it cannot be read); a shielded VM's shielding data must name it.
/// </summary>
public sealed record VmReservationRequest(
    Guid TenantId,
    Guid SubscriptionId,
    string Name,
    Guid TemplateId,
    Guid HardwareProfileId,
    bool Shielded,
    Guid? ShieldingDataId = null,
    string? FabricGuardianThumbprint = null,
    string? IdempotencyKey = null);
