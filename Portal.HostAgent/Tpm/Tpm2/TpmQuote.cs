namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>A quote: TPMS_ATTEST, the AK's TPMT_SIGNATURE over it, and the quoted PCRs' values (SHA-256 bank).</summary>
public sealed record TpmQuote(byte[] Attestation, byte[] Signature, IReadOnlyList<Core.Attestation.Protocol.PcrValue> Pcrs);

/// <summary>The TPM failed or refused a command; the message says which and why, in words.</summary>
public sealed class TpmException(string message, Exception? inner = null) : Exception(message, inner);
