using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding;
using Portal.Core.Shielding.Guardians;
using Portal.Web.Features.Fabric;
using Portal.Web.Features.FabricAgents;
using Portal.Web.Features.ShieldingData;

namespace Portal.Web.Features.EmbeddedFabric;

/// <summary>
/// Fetches the guardian metadata from the Host Guardian Service at <c>Fabric:HgsUrl</c>, keeping it for a while:
/// HGS re-keys rarely, and tenants should not wait on it for every page.
/// </summary>
internal sealed class HgsFabricGuardianSource(
    IOptions<FabricOptions> options,
    IHttpClientFactory http,
    TimeProvider time,
    ILogger<HgsFabricGuardianSource> logger) : IFabricGuardianSource
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _fetch = new(1, 1);
    private FabricGuardian? _cached;
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public async Task<FabricGuardian?> GetAsync(CancellationToken ct)
    {
        await _fetch.WaitAsync(ct);
        try
        {
            if (_cached is not null && time.GetUtcNow() - _fetchedAt < KeepFor)
            {
                return _cached;
            }

            var hgs = options.Value.HgsUrl ?? throw new InvalidOperationException("Fabric:HgsUrl is not set.");
            try
            {
                var metadata = await http.CreateClient(HgsAttestationSignerSource.HttpClientName)
                    .GetByteArrayAsync(new Uri(hgs, HgsRoutes.Guardian), ct);
                _cached = new FabricGuardian(metadata, GuardianMetadata.Parse(metadata));
                _fetchedAt = time.GetUtcNow();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ShieldingFormatException)
            {
                // Keep serving the last good metadata; tenants see "no guardian" only if HGS never answered.
                logger.LogWarning("HGS at {HgsUrl} did not provide its guardian metadata: {Error}", hgs, e.Message);
            }

            return _cached;
        }
        finally
        {
            _fetch.Release();
        }
    }
}
