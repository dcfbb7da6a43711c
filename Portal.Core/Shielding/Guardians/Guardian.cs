using System.Security.Cryptography;
using Portal.Core.Shielding.Binary;

namespace Portal.Core.Shielding.Guardians;

/// <summary>
/// A guardian with its private keys: the tenant's owner guardian (kept on the tenant's machine) or a fabric's
/// guardian (kept by HGS). Signs shielding data files and catalogs and unwraps keys wrapped for it. Never give one to
/// the portal: it only ever needs <see cref="GuardianPublicKeys"/>.
/// </summary>
public sealed class Guardian : IDisposable
{
    private readonly ECDsa _signingKey;
    private readonly RSA _encryptionKey;

    // Key objects make no thread-safety promise and HGS shares one guardian across concurrent key releases.
    private readonly Lock _lock = new();

    private Guardian(string name, ECDsa signingKey, RSA encryptionKey)
    {
        _signingKey = signingKey;
        _encryptionKey = encryptionKey;
        PublicKeys = GuardianPublicKeys.FromKeys(name, signingKey, encryptionKey);
    }

    public string Name => PublicKeys.Name;

    public GuardianPublicKeys PublicKeys { get; }

    /// <summary>Makes a new guardian with fresh keys (P-384 signing, RSA-3072 encryption).</summary>
    public static Guardian Create(string name)
    {
        TextRules.Require(name, nameof(name), 1, GuardianPublicKeys.NameMaxLength);
        return new Guardian(name, GuardianAlgorithms.CreateSigningKey(), GuardianAlgorithms.CreateEncryptionKey());
    }

    /// <summary>
    /// Wraps existing private keys (e.g. HGS loading its guardian from its own store). Takes ownership: the keys are
    /// disposed with the guardian.
    /// </summary>
    public static Guardian FromKeys(string name, ECDsa signingKey, RSA encryptionKey)
    {
        TextRules.Require(name, nameof(name), 1, GuardianPublicKeys.NameMaxLength);
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(encryptionKey);
        var problem = GuardianAlgorithms.CheckSigningKey(signingKey) ?? GuardianAlgorithms.CheckEncryptionKey(encryptionKey);
        return problem is null ? new Guardian(name, signingKey, encryptionKey) : throw new ArgumentException(problem);
    }

    public void Dispose()
    {
        _signingKey.Dispose();
        _encryptionKey.Dispose();
    }

    /// <summary>PKCS#8 PEM of the signing key, encrypted (PBES2: PBKDF2-SHA256, AES-256-CBC) when a passphrase is given.</summary>
    internal string ExportSigningKeyPem(string? passphrase)
    {
        lock (_lock)
        {
            return passphrase is null
                ? _signingKey.ExportPkcs8PrivateKeyPem()
                : _signingKey.ExportEncryptedPkcs8PrivateKeyPem(passphrase, GuardianKeyFile.PbeParameters);
        }
    }

    internal string ExportEncryptionKeyPem(string? passphrase)
    {
        lock (_lock)
        {
            return passphrase is null
                ? _encryptionKey.ExportPkcs8PrivateKeyPem()
                : _encryptionKey.ExportEncryptedPkcs8PrivateKeyPem(passphrase, GuardianKeyFile.PbeParameters);
        }
    }

    /// <summary>ECDSA-P384-SHA384 signature (IEEE P1363, 96 bytes).</summary>
    internal byte[] Sign(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            return _signingKey.SignData(data, GuardianAlgorithms.SignatureHash);
        }
    }

    /// <summary>Unwraps a key wrapped for this guardian, or null when it was not (or was altered).</summary>
    internal byte[]? TryUnwrap(ReadOnlySpan<byte> wrapped)
    {
        lock (_lock)
        {
            return KeyProtectors.KeyWrap.TryUnwrap(wrapped, _encryptionKey);
        }
    }
}
