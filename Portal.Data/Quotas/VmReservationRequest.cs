namespace Portal.Data.Quotas;

/// <summary>A tenant's request for a new VM, before quota and offering checks.</summary>
public sealed record VmReservationRequest(
    Guid TenantId, Guid SubscriptionId, string Name, Guid TemplateId, Guid HardwareProfileId, bool Shielded);
