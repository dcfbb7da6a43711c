using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Attestation.Tpm;

/// <summary>
/// Credential activation (TPM 2.0 Part 1, §24): HGS encrypts a secret so that only the TPM holding the endorsement key
/// can recover it, and only for a key loaded in that TPM with the given name. A host that answers with the secret
/// thereby proves its attestation key lives in the TPM whose EK HGS registered.
/// </summary>
public static class CredentialActivation
{
    /// <summary>Largest secret a credential carries (a SHA-256 digest's size keeps it inside every TPM's limit).</summary>
    public const int SecretLength = 32;

    private const string IdentityLabel = "IDENTITY";
    private const string StorageLabel = "STORAGE";
    private const string IntegrityLabel = "INTEGRITY";

    /// <summary>
    /// TPM2_MakeCredential in software, for an RSA (OAEP, label "IDENTITY") or ECC (ECDH + KDFe) endorsement key with
    /// the symmetric scheme its public area names (AES-128/256 CFB).
    /// </summary>
    public static TpmCredential Make(TpmPublicArea endorsementKey, ReadOnlySpan<byte> objectName, ReadOnlySpan<byte> secret)
    {
        if (secret.Length is 0 or > SecretLength)
        {
            throw new ArgumentException($"A credential's secret is 1 to {SecretLength} bytes, not {secret.Length}.", nameof(secret));
        }

        EnsureStorageKey(endorsementKey);
        EnsureName(objectName);
        var nameAlg = endorsementKey.NameAlgorithm;
        var seedBits = TpmHash.Size(nameAlg) * 8;
        byte[] seed;
        byte[] encryptedSecret;
        if (endorsementKey.Type == TpmAlgorithm.Rsa)
        {
            seed = RandomNumberGenerator.GetBytes(seedBits / 8);
            var label = Encoding.ASCII.GetBytes(IdentityLabel + "\0");
            encryptedSecret = new TpmWriter().Sized(RsaOaep.Encrypt(endorsementKey.Modulus, endorsementKey.Exponent, nameAlg, label, seed)).ToArray();
        }
        else
        {
            using var ephemeral = ECDiffieHellman.Create(endorsementKey.Curve);
            using var ek = ECDiffieHellman.Create(endorsementKey.EcParameters());
            var point = ephemeral.ExportParameters(includePrivateParameters: false).Q;
            var z = ephemeral.DeriveRawSecretAgreement(ek.PublicKey);
            seed = TpmKdf.KdfE(nameAlg, z, IdentityLabel, point.X, endorsementKey.X, seedBits);
            CryptographicOperations.ZeroMemory(z);
            encryptedSecret = new TpmWriter().Sized(new TpmWriter().Sized(point.X).Sized(point.Y).ToArray()).ToArray();
        }

        var plaintext = new TpmWriter().Sized(secret).ToArray();
        var symmetricKey = TpmKdf.KdfA(nameAlg, seed, StorageLabel, objectName, [], endorsementKey.SymmetricKeyBits);
        var encIdentity = AesCfb.Encrypt(symmetricKey, plaintext);
        var outerHmac = OuterHmac(nameAlg, seed, encIdentity, objectName);
        CryptographicOperations.ZeroMemory(plaintext);
        CryptographicOperations.ZeroMemory(symmetricKey);
        CryptographicOperations.ZeroMemory(seed);

        var idObject = new TpmWriter().Sized(outerHmac).Bytes(encIdentity).ToSizedArray();
        return new TpmCredential(idObject, encryptedSecret);
    }

    /// <summary>
    /// TPM2_ActivateCredential in software for an ECC endorsement key (what the software TPM does); null when the
    /// credential was not made for this key and name.
    /// </summary>
    public static byte[]? Activate(ECDiffieHellman endorsementKey, TpmPublicArea endorsementPublic, ReadOnlySpan<byte> objectName, TpmCredential credential)
    {
        if (endorsementPublic.Type != TpmAlgorithm.Ecc)
        {
            throw new ArgumentException("Only an ECC endorsement key activates credentials in software.", nameof(endorsementPublic));
        }

        EnsureStorageKey(endorsementPublic);
        var nameAlg = endorsementPublic.NameAlgorithm;
        var digestSize = TpmHash.Size(nameAlg);
        var fieldSize = (endorsementPublic.KeyBits + 7) / 8;
        try
        {
            var secretReader = new TpmReader(credential.EncryptedSecret, "TPM2B_ENCRYPTED_SECRET");
            var pointReader = new TpmReader(secretReader.Sized(2 * (2 + fieldSize), "the ephemeral point"), "TPMS_ECC_POINT");
            secretReader.End();
            var x = pointReader.Sized(fieldSize, "x").ToArray();
            var y = pointReader.Sized(fieldSize, "y").ToArray();
            pointReader.End();

            var blobReader = new TpmReader(credential.CredentialBlob, "TPM2B_ID_OBJECT");
            var idObject = blobReader.Sized(ushort.MaxValue, "the credential");
            blobReader.End();
            var idReader = new TpmReader(idObject, "TPM2B_ID_OBJECT");
            var integrity = idReader.Sized(digestSize, "the integrity HMAC");
            var encIdentity = idReader.Bytes(idReader.Remaining, "the encrypted credential");
            if (integrity.Length != digestSize || encIdentity.Length < 3)
            {
                return null;
            }

            // ImportParameters refuses a point that is not on the curve, so an invalid-curve point never meets the EK.
            using var ephemeral = ECDiffieHellman.Create(new ECParameters
            {
                Curve = endorsementPublic.Curve,
                Q = new ECPoint { X = TpmPublicArea.LeftPad(x, fieldSize), Y = TpmPublicArea.LeftPad(y, fieldSize) },
            });
            var z = endorsementKey.DeriveRawSecretAgreement(ephemeral.PublicKey);
            var seed = TpmKdf.KdfE(nameAlg, z, IdentityLabel, x, endorsementPublic.X, digestSize * 8);
            CryptographicOperations.ZeroMemory(z);

            var expected = OuterHmac(nameAlg, seed, encIdentity, objectName);
            if (!CryptographicOperations.FixedTimeEquals(expected, integrity))
            {
                CryptographicOperations.ZeroMemory(seed);
                return null;
            }

            var symmetricKey = TpmKdf.KdfA(nameAlg, seed, StorageLabel, objectName, [], endorsementPublic.SymmetricKeyBits);
            CryptographicOperations.ZeroMemory(seed);
            var plaintext = AesCfb.Decrypt(symmetricKey, encIdentity);
            CryptographicOperations.ZeroMemory(symmetricKey);
            var plainReader = new TpmReader(plaintext, "TPM2B_DIGEST");
            var secret = plainReader.Sized(SecretLength, "the secret").ToArray();
            plainReader.End();
            CryptographicOperations.ZeroMemory(plaintext);
            return secret.Length == 0 ? null : secret;
        }
        catch (Exception ex) when (ex is TpmFormatException or CryptographicException)
        {
            return null;
        }
    }

    private static byte[] OuterHmac(TpmAlgorithm nameAlg, ReadOnlySpan<byte> seed, ReadOnlySpan<byte> encIdentity, ReadOnlySpan<byte> objectName)
    {
        var hmacKey = TpmKdf.KdfA(nameAlg, seed, IntegrityLabel, [], [], TpmHash.Size(nameAlg) * 8);
        var hmac = TpmHash.Hmac(nameAlg, hmacKey, new TpmWriter().Bytes(encIdentity).Bytes(objectName).ToArray());
        CryptographicOperations.ZeroMemory(hmacKey);
        return hmac;
    }

    private static void EnsureStorageKey(TpmPublicArea key)
    {
        const TpmObjectAttributes storage = TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt;
        if ((key.Attributes & storage) != storage || key.Attributes.HasFlag(TpmObjectAttributes.Sign))
        {
            throw new ArgumentException("The endorsement key is not a restricted decryption (storage) key.", nameof(key));
        }

        if (key.SymmetricAlgorithm != TpmAlgorithm.Aes || key.SymmetricMode != TpmAlgorithm.Cfb || key.SymmetricKeyBits is not (128 or 256))
        {
            throw new ArgumentException("The endorsement key's symmetric scheme is not AES-128 or AES-256 in CFB mode.", nameof(key));
        }
    }

    private static void EnsureName(ReadOnlySpan<byte> name)
    {
        var algorithm = name.Length >= 2 ? (TpmAlgorithm)(name[0] << 8 | name[1]) : TpmAlgorithm.Null;
        if (!TpmHash.IsHash(algorithm) || name.Length != 2 + TpmHash.Size(algorithm))
        {
            throw new ArgumentException("The object name is not a hash algorithm followed by a digest of its size.", nameof(name));
        }
    }
}
