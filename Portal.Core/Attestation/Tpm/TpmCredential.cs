namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// What TPM2_MakeCredential produces for TPM2_ActivateCredential: the credential blob (TPM2B_ID_OBJECT) and the seed
/// encrypted to the endorsement key (TPM2B_ENCRYPTED_SECRET), each with its 2-byte size.
/// </summary>
public sealed record TpmCredential(byte[] CredentialBlob, byte[] EncryptedSecret)
{
    public const uint Tpm2ToolsMagic = 0xBADCC0DE;

    public const uint Tpm2ToolsVersion = 1;

    private const string Structure = "tpm2-tools credential file";

    /// <summary>The file <c>tpm2_activatecredential -i</c> reads: magic 0xBADCC0DE, version 1, then both structures.</summary>
    public byte[] ToTpm2ToolsFile() =>
        new TpmWriter().U32(Tpm2ToolsMagic).U32(Tpm2ToolsVersion).Bytes(CredentialBlob).Bytes(EncryptedSecret).ToArray();

    /// <summary>Reads the file <c>tpm2_makecredential -o</c> writes; throws <see cref="TpmFormatException"/> when it is not one.</summary>
    public static TpmCredential FromTpm2ToolsFile(ReadOnlySpan<byte> file)
    {
        var reader = new TpmReader(file, Structure);
        if (reader.U32() != Tpm2ToolsMagic || reader.U32() != Tpm2ToolsVersion)
        {
            throw reader.Fail("the magic or version is not 0xBADCC0DE, 1");
        }

        var start = reader.Position;
        reader.Sized(ushort.MaxValue, "credentialBlob");
        var blob = file[start..reader.Position].ToArray();
        start = reader.Position;
        reader.Sized(ushort.MaxValue, "encryptedSecret");
        var secret = file[start..reader.Position].ToArray();
        reader.End();
        return new TpmCredential(blob, secret);
    }
}
