namespace Portal.Core.Attestation.Tpm;

/// <summary>TPMA_OBJECT: what a TPM key may do and where it may live.</summary>
[Flags]
public enum TpmObjectAttributes : uint
{
    None = 0,
    FixedTpm = 1 << 1,
    StClear = 1 << 2,
    FixedParent = 1 << 4,
    SensitiveDataOrigin = 1 << 5,
    UserWithAuth = 1 << 6,
    AdminWithPolicy = 1 << 7,
    NoDa = 1 << 10,
    EncryptedDuplication = 1 << 11,
    Restricted = 1 << 16,
    Decrypt = 1 << 17,
    Sign = 1 << 18,
}
