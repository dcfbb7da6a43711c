using Portal.Core.Attestation.Evidence;

namespace Portal.HostAgent.Tpm;

/// <summary>
/// The host's TPM as attestation needs it: an endorsement key, the measured boot log, quotes over the boot PCRs, and the
/// transport key (TPM-bound on a real host) that released VM keys are wrapped for. The default is
/// <see cref="SoftwareTpm"/>; a real TPM (e.g. swtpm + tpm2-tools) can replace it.
/// </summary>
public interface ITpm
{
    /// <summary>DER SPKI of the endorsement key (ECDSA P-256), which the HGS admin registers.</summary>
    ReadOnlyMemory<byte> EndorsementKey { get; }

    /// <summary>DER SPKI of the transport key (RSA).</summary>
    ReadOnlyMemory<byte> TransportKey { get; }

    /// <summary>The measured boot (TCG) log as the host reports it.</summary>
    IReadOnlyList<BootEvent> BootLog { get; }

    /// <summary>SHA-256 (hex) of the enforced code-integrity policy.</summary>
    string CodeIntegrityPolicy { get; }

    /// <summary>Quotes the boot PCRs and CI policy over the nonce and transport key thumbprint (see <see cref="TpmQuote"/>).</summary>
    TpmQuoteResult Quote(ReadOnlySpan<byte> nonce, string transportKeyThumbprint);

    /// <summary>Unwraps a key HGS wrapped for the transport key, or null when it was wrapped for another key.</summary>
    byte[]? UnwrapWithTransportKey(ReadOnlySpan<byte> wrapped);

    /// <summary>Signs with the transport key (RSA-PSS, SHA-256): the key-release proof of possession.</summary>
    byte[] SignWithTransportKey(ReadOnlySpan<byte> data);
}

/// <summary>A quote: the PCR composite the TPM holds, the CI policy hash, and the signature over both and the nonce.</summary>
public sealed record TpmQuoteResult(byte[] PcrDigest, string CodeIntegrityPolicy, byte[] Signature);
