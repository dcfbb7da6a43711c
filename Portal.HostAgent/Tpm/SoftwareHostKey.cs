using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tpm;

/// <summary>The host key pair of host-key attestation (ECDSA P-256), persisted in <c>{DataFolder}/tpm/host-key.pem</c>.</summary>
public sealed class SoftwareHostKey : IDisposable
{
    private readonly ECDsa _key;
    private readonly Lock _lock = new();

    public SoftwareHostKey(IOptions<HostAttestationOptions> options)
    {
        _key = PersistedKeys.LoadOrCreateEcdsa(Path.Combine(options.Value.DataFolder, "tpm"), "host-key.pem");
        PublicKey = _key.ExportSubjectPublicKeyInfo();
    }

    /// <summary>DER SPKI, which the HGS admin registers.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            return _key.SignData(data, HashAlgorithmName.SHA256);
        }
    }

    public void Dispose() => _key.Dispose();
}
