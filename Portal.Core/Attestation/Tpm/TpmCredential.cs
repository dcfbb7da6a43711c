namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// What TPM2_MakeCredential produces for TPM2_ActivateCredential: the credential blob (TPM2B_ID_OBJECT) and the seed
/// encrypted to the endorsement key (TPM2B_ENCRYPTED_SECRET), each with its 2-byte size.
/// </summary>
public sealed record TpmCredential(byte[] CredentialBlob, byte[] EncryptedSecret)
{
    /// <summary>The file <c>tpm2_activatecredential -i</c> reads: magic 0xBADCC0DE, version 1, then both structures.</summary>
    public byte[] ToTpm2ToolsFile() => throw new NotImplementedException();
}
