namespace Portal.Core.Attestation.Protocol;

/// <summary>
/// Body of <c>POST /hgs/v1/attest/activation</c>: a TPM-trusted host asks HGS to bind its attestation key to its
/// registered endorsement key (both TPM2B_PUBLIC).
/// </summary>
public sealed record ActivationRequest(string HostName, byte[] EndorsementKey, byte[] AttestationKey);

/// <summary>
/// HGS's challenge: a credential (TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET) only the TPM holding both keys opens,
/// to be answered at <c>POST /hgs/v1/attest/activation/{id}</c> before <paramref name="ExpiresAt"/>.
/// </summary>
public sealed record ActivationChallenge(Guid Id, byte[] CredentialBlob, byte[] EncryptedSecret, DateTimeOffset ExpiresAt);

/// <summary>The secret the TPM recovered from the credential.</summary>
public sealed record ActivationAnswer(byte[] Secret);
