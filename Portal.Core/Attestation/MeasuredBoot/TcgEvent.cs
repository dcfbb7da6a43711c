namespace Portal.Core.Attestation.MeasuredBoot;

/// <summary>One measured event: the PCR it extended, its type, the SHA-256 digest extended, and the event data.</summary>
public sealed record TcgEvent(int Pcr, uint EventType, byte[] Sha256Digest, byte[] Data);
