namespace Portal.Web.Features.Consoles;

/// <summary>A tenant's running VM whose console may be opened, and the host it runs on.</summary>
public sealed record ConsoleTarget(Guid TenantId, Guid VmId, string VmName, Guid HostId)
{
    public string AuditTarget => $"vm:{VmId} ({VmName})";
}
