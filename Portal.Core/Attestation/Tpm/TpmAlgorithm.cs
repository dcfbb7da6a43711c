namespace Portal.Core.Attestation.Tpm;

/// <summary>TPM 2.0 algorithm identifiers (TPM_ALG_ID, TCG Algorithm Registry) that attestation meets.</summary>
public enum TpmAlgorithm : ushort
{
    Rsa = 0x0001,
    Sha1 = 0x0004,
    Hmac = 0x0005,
    Aes = 0x0006,
    KeyedHash = 0x0008,
    Sha256 = 0x000B,
    Sha384 = 0x000C,
    Sha512 = 0x000D,
    Null = 0x0010,
    RsaSsa = 0x0014,
    RsaPss = 0x0016,
    RsaOaep = 0x0017,
    Ecdsa = 0x0018,
    Ecdh = 0x0019,
    Ecc = 0x0023,
    Cfb = 0x0043,
}
