namespace Portal.Core.Attestation.Protocol;

/// <summary>Answer of <c>POST /hgs/v1/attest/challenge</c>: a fresh single-use nonce and when it stops being accepted.</summary>
public sealed record AttestationChallenge(byte[] Nonce, DateTimeOffset ExpiresAt);
