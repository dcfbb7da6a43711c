using Portal.Core.Shielding.Guardians;
using Portal.HostGuardian.Keys;
using Portal.Web.Features.ShieldingData;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>The in-process HGS's guardian, as public metadata only: the same file tenants would download from HGS.</summary>
internal sealed class InProcessFabricGuardianSource(HgsKeys keys) : IFabricGuardianSource
{
    public Task<FabricGuardian?> GetAsync(CancellationToken ct)
    {
        if (!keys.IsLoaded)
        {
            return Task.FromResult<FabricGuardian?>(null);
        }

        var metadata = GuardianMetadata.WriteUtf8(keys.FabricGuardian);
        return Task.FromResult<FabricGuardian?>(new FabricGuardian(metadata, GuardianMetadata.Parse(metadata)));
    }
}
