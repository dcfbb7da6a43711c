namespace Portal.Core.Attestation.Tpm;

/// <summary>One bank of a TPML_PCR_SELECTION: the hash algorithm and the PCR indexes selected, ascending.</summary>
public sealed record TpmPcrSelection(TpmAlgorithm Hash, IReadOnlyList<int> Pcrs);
