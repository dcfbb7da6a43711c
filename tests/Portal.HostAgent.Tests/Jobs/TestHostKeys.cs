using System.Security.Cryptography;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Shielding.KeyProtectors;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Tests.Jobs;

/// <summary>The test host's transport key, held by a TPM that does only what jobs need of it.</summary>
internal sealed class FakeTpm : ITpm
{
    private static readonly Lazy<RSA> LazyTransport = new(() => RSA.Create(2048));

    public static RSA Transport => LazyTransport.Value;

    public ReadOnlyMemory<byte> EndorsementKey => throw new NotSupportedException();

    public ReadOnlyMemory<byte> TransportKey { get; } = Transport.ExportSubjectPublicKeyInfo();

    public IReadOnlyList<BootEvent> BootLog => throw new NotSupportedException();

    public string CodeIntegrityPolicy => throw new NotSupportedException();

    public int Unwraps { get; private set; }

    public TpmQuoteResult Quote(ReadOnlySpan<byte> nonce, string transportKeyThumbprint) => throw new NotSupportedException();

    public byte[]? UnwrapWithTransportKey(ReadOnlySpan<byte> wrapped)
    {
        Unwraps++;
        return KeyWrap.TryUnwrap(wrapped, Transport);
    }

    public byte[] SignWithTransportKey(ReadOnlySpan<byte> data) => throw new NotSupportedException();
}
