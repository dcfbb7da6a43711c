using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.Tpm;

namespace Portal.HostAgent.Tpm;

/// <summary>
/// The host's TPM 2.0 as attestation needs it: the endorsement key (and its certificate, where the manufacturer put
/// one in NV), an attestation key, the measured boot log, credential activation and quotes. Two implementations:
/// <see cref="SoftwareTpm"/> (TPM 2.0 structures made in .NET, for machines without a TPM) and
/// <see cref="Tpm2.Tpm2ToolsTpm"/> (a real TPM or swtpm through tpm2-tools), chosen by <c>HostAgent:Tpm:Kind</c>.
/// </summary>
public interface ITpm
{
    /// <summary>What this TPM is, for people: e.g. "software TPM", "swtpm 0.7.1 at 127.0.0.1:2321", "TPM 2.0 at /dev/tpmrm0".</summary>
    string Description { get; }

    /// <summary>
    /// Makes the TPM ready: starts a managed swtpm (manufacturing it on first use), plays the simulated firmware into a
    /// fresh TPM's PCRs, reads the EK, and creates the attestation key once. Idempotent; every member below needs it.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The endorsement key's TPM2B_PUBLIC, which the HGS admin registers.</summary>
    ReadOnlyMemory<byte> EndorsementKey { get; }

    /// <summary>The EK certificate (DER) from the TPM's NV, or null when it has none.</summary>
    ReadOnlyMemory<byte>? EndorsementKeyCertificate { get; }

    /// <summary>The attestation key's TPM2B_PUBLIC (a restricted signing key, created once and kept).</summary>
    ReadOnlyMemory<byte> AttestationKey { get; }

    /// <summary>The measured boot log, TCG crypto-agile format.</summary>
    ReadOnlyMemory<byte> EventLog { get; }

    /// <summary>TPM2_ActivateCredential with the AK and EK: the secret HGS encrypted for them; throws <see cref="TpmException"/> when it does not open.</summary>
    Task<byte[]> ActivateCredentialAsync(TpmCredential credential, CancellationToken cancellationToken);

    /// <summary>TPM2_Quote with the AK over the SHA-256 bank's <paramref name="pcrs"/>, <paramref name="qualifyingData"/> as extraData.</summary>
    Task<TpmQuote> QuoteAsync(ReadOnlyMemory<byte> qualifyingData, IReadOnlyList<int> pcrs, CancellationToken cancellationToken);
}

/// <summary>A quote: TPMS_ATTEST, the AK's TPMT_SIGNATURE over it, and the quoted PCRs' values (SHA-256 bank).</summary>
public sealed record TpmQuote(byte[] Attestation, byte[] Signature, IReadOnlyList<PcrValue> Pcrs);

/// <summary>The TPM failed or refused a command; the message says which and why, in words.</summary>
public sealed class TpmException(string message, Exception? inner = null) : Exception(message, inner);
