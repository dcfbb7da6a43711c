using Microsoft.Extensions.Options;
using Portal.Core.Shielding.Guardians;
using Portal.Web.Features.ShieldingData;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>
/// Reads the guardian metadata file named by <c>Fabric:GuardianMetadataFile</c>. The file is re-read when it changes,
/// so a provider can replace it (e.g. after re-keying HGS) without a restart.
/// </summary>
internal sealed class ConfiguredFabricGuardianSource(IOptionsMonitor<FabricGuardianOptions> options, IHostEnvironment environment)
    : IFabricGuardianSource
{
    private readonly Lock _lock = new();
    private (string Path, DateTime WrittenAt, FabricGuardian Guardian)? _cached;

    public async Task<FabricGuardian?> GetAsync(CancellationToken ct)
    {
        var configured = options.CurrentValue.GuardianMetadataFile;
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        var path = FabricGuardianOptionsValidator.ResolvePath(environment, configured);
        var writtenAt = File.GetLastWriteTimeUtc(path);
        lock (_lock)
        {
            if (_cached is { } hit && hit.Path == path && hit.WrittenAt == writtenAt)
            {
                return hit.Guardian;
            }
        }

        var bytes = await File.ReadAllBytesAsync(path, ct);
        var guardian = new FabricGuardian(bytes, GuardianMetadata.Parse(bytes));
        lock (_lock)
        {
            _cached = (path, writtenAt, guardian);
        }

        return guardian;
    }
}
