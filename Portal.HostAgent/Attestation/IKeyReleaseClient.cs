using Portal.Core.Attestation;

namespace Portal.HostAgent.Attestation;

/// <summary>
/// Asks HGS to release a shielded VM's keys to this host, presenting the current health certificate; HGS re-wraps the
/// key for this host's transport key and the agent unwraps it locally. Fails closed: without a valid health
/// certificate nothing is sent, and any refusal or HGS failure throws <see cref="KeyReleaseRefusedException"/>.
/// </summary>
public interface IKeyReleaseClient
{
    /// <summary>Releases the 32-byte VM key of a key protector (format TPKP), unwrapped on this host.</summary>
    /// <exception cref="KeyReleaseRefusedException">No valid health certificate, HGS refused, or HGS unreachable.</exception>
    Task<byte[]> ReleaseKeyProtectorAsync(byte[] keyProtector, CancellationToken cancellationToken);

    /// <summary>Releases the 32-byte content key of a shielding data file (format TPDK), unwrapped on this host.</summary>
    /// <exception cref="KeyReleaseRefusedException">No valid health certificate, HGS refused, or HGS unreachable.</exception>
    Task<byte[]> ReleaseShieldingDataKeyAsync(byte[] shieldingDataFile, CancellationToken cancellationToken);
}
