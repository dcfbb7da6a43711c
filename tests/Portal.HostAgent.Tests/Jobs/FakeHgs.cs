using Portal.Core.Attestation;
using Portal.Core.Shielding;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.KeyProtectors;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>
/// HGS's key release for the test fabric: refuses an unhealthy host, otherwise really unwraps with the fabric
/// guardian's private key and re-wraps for the host's transport key, which the host then unwraps.
/// </summary>
internal sealed class FakeHgs(IHostHealth health) : IKeyReleaseClient
{
    private int _keyProtectorReleases;
    private int _shieldingDataReleases;

    /// <summary>When set, every release is refused with this reason.</summary>
    public KeyReleaseRefusal? Refuse { get; set; }

    public int KeyProtectorReleases => _keyProtectorReleases;

    public int ShieldingDataReleases => _shieldingDataReleases;

    public Task<byte[]> ReleaseKeyProtectorAsync(byte[] keyProtector, CancellationToken cancellationToken)
    {
        Check();
        Interlocked.Increment(ref _keyProtectorReleases);
        return Task.FromResult(Release(() => KeyProtector.Read(keyProtector).RewrapFor(TestShielding.Fabric, TestTransport.Key)));
    }

    public Task<byte[]> ReleaseShieldingDataKeyAsync(byte[] shieldingDataFile, CancellationToken cancellationToken)
    {
        Check();
        Interlocked.Increment(ref _shieldingDataReleases);
        return Task.FromResult(Release(() => ShieldingDataFile.Read(shieldingDataFile).RewrapContentKey(TestShielding.Fabric, TestTransport.Key)));
    }

    private void Check()
    {
        if (Refuse is { } refusal)
        {
            throw new KeyReleaseRefusedException(refusal, $"HGS refused to release the key ({refusal}).");
        }

        if (!health.IsHealthy)
        {
            throw new KeyReleaseRefusedException(KeyReleaseRefusal.NotHealthy, "This host has no valid health certificate; no key is requested.");
        }
    }

    private static byte[] Release(Func<byte[]> rewrap)
    {
        try
        {
            return KeyWrap.Unwrap(rewrap(), TestTransport.Key);
        }
        catch (GuardianNotListedException e)
        {
            throw new KeyReleaseRefusedException(KeyReleaseRefusal.GuardianNotListed, e.Message);
        }
        catch (ShieldingFormatException e)
        {
            throw new KeyReleaseRefusedException(KeyReleaseRefusal.MalformedProtector, e.Message);
        }
    }
}
