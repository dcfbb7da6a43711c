namespace Portal.Core.Attestation.Protocol;

/// <summary>One PCR's value in the SHA-256 bank.</summary>
public sealed record PcrValue(int Index, byte[] Digest);
