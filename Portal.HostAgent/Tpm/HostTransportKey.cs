using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Shielding.KeyProtectors;
using Portal.HostAgent.Attestation;

namespace Portal.HostAgent.Tpm;

/// <summary>
/// The host's transport key (RSA 2048): health certificates are bound to it, HGS re-wraps released VM keys for it, and
/// its signature proves possession at key release. Persisted in <c>{DataFolder}/tpm/transport-key.pem</c>, owner-only.
/// Kept in software beside either TPM; on a real host it would be a TPM-resident key the attestation key certifies
/// (see docs/decisions/0010-tpm-attestation.md).
/// </summary>
public sealed class HostTransportKey : IDisposable
{
    private readonly RSA _key;
    private readonly Lock _lock = new();

    public HostTransportKey(IOptions<HostAttestationOptions> options)
        : this(PersistedKeys.LoadOrCreateRsa(Path.Combine(options.Value.DataFolder, "tpm"), "transport-key.pem"))
    {
    }

    /// <summary>Wraps an existing key (tests); the instance owns it.</summary>
    public HostTransportKey(RSA key)
    {
        _key = key;
        PublicKey = key.ExportSubjectPublicKeyInfo();
        Thumbprint = Core.Shielding.Guardians.Thumbprint.Of(PublicKey.Span);
    }

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>SHA-256 of <see cref="PublicKey"/>, upper-case hex.</summary>
    public string Thumbprint { get; }

    /// <summary>Unwraps a key HGS wrapped for this key, or null when it was wrapped for another key.</summary>
    public byte[]? Unwrap(ReadOnlySpan<byte> wrapped)
    {
        lock (_lock)
        {
            return KeyWrap.TryUnwrap(wrapped, _key);
        }
    }

    /// <summary>Signs with the transport key (RSA-PSS, SHA-256): the key-release proof of possession.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            return KeyReleaseProof.Sign(_key, data);
        }
    }

    public void Dispose() => _key.Dispose();
}
