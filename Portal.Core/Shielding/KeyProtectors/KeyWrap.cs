using System.Security.Cryptography;
using Portal.Core.Shielding.Guardians;

namespace Portal.Core.Shielding.KeyProtectors;

/// <summary>
/// The one key-wrapping primitive of every shielding format: RSA-OAEP with SHA-256 (MGF1-SHA256, empty label) over a
/// raw 256-bit key. HGS uses it to re-wrap a released key for a host's transport key; the host unwraps with
/// <see cref="Unwrap"/>.
/// </summary>
public static class KeyWrap
{
    /// <summary>Every wrapped key is an AES-256 key or a VM key of this length.</summary>
    public const int KeyLength = 32;

    /// <summary>Smallest recipient RSA key we wrap for; host transport keys may be 2048 bits, guardians are 3072+.</summary>
    public const int MinRecipientKeySizeBits = 2048;

    private static readonly RSAEncryptionPadding Padding = RSAEncryptionPadding.OaepSHA256;

    /// <summary>Wraps a 32-byte key for an RSA public key (at least 2048 bits).</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> key, RSA recipientPublicKey)
    {
        ArgumentNullException.ThrowIfNull(recipientPublicKey);
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"Only {KeyLength}-byte keys are wrapped.", nameof(key));
        }

        if (recipientPublicKey.KeySize < MinRecipientKeySizeBits)
        {
            throw new ArgumentException($"The recipient key must be RSA of at least {MinRecipientKeySizeBits} bits.", nameof(recipientPublicKey));
        }

        return recipientPublicKey.Encrypt(key.ToArray(), Padding);
    }

    /// <summary>Wraps for a guardian's encryption key.</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> key, GuardianPublicKeys recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        using var rsa = recipient.CreateWrappingKey();
        return Wrap(key, rsa);
    }

    /// <summary>
    /// Unwraps with the recipient's RSA private key. Returns null (never throws a padding oracle's worth of detail)
    /// when the bytes do not unwrap to a 32-byte key with this private key.
    /// </summary>
    public static byte[]? TryUnwrap(ReadOnlySpan<byte> wrapped, RSA recipientPrivateKey)
    {
        ArgumentNullException.ThrowIfNull(recipientPrivateKey);
        if (wrapped.Length != recipientPrivateKey.KeySize / 8)
        {
            return null;
        }

        try
        {
            var key = recipientPrivateKey.Decrypt(wrapped.ToArray(), Padding);
            if (key.Length == KeyLength)
            {
                return key;
            }

            CryptographicOperations.ZeroMemory(key);
            return null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Unwraps with the recipient's RSA private key; throws <see cref="CryptographicException"/> when it cannot.</summary>
    public static byte[] Unwrap(ReadOnlySpan<byte> wrapped, RSA recipientPrivateKey) =>
        TryUnwrap(wrapped, recipientPrivateKey) ?? throw new CryptographicException("The wrapped key cannot be unwrapped with this private key.");
}
