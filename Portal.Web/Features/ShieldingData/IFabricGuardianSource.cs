namespace Portal.Web.Features.ShieldingData;

/// <summary>
/// Where the portal learns this fabric's guardian: the in-process HGS, a separate HGS, or a configured metadata file
/// (the implementations live in <c>Features/EmbeddedFabric</c>). Either way the portal only ever sees public keys.
/// </summary>
public interface IFabricGuardianSource
{
    /// <summary>This fabric's guardian, or null when none is configured yet.</summary>
    Task<FabricGuardian?> GetAsync(CancellationToken ct);
}
