namespace Portal.Core.Attestation.Tpm;

/// <summary>A TPM structure that does not parse: truncated, oversized, or with a value the format does not allow.</summary>
public sealed class TpmFormatException(string message) : Exception(message);
