using System.Security.Cryptography;
using Portal.Core.Shielding.Binary;

namespace Portal.Core.Shielding.Guardians;

/// <summary>
/// The public half of a guardian — what shielding data files, key protectors and guardian metadata carry: a name, the
/// P-384 signing key and the RSA encryption (wrapping) key as DER SubjectPublicKeyInfo, and their thumbprints.
/// Instances are always validated; two are the same guardian when both thumbprints match.
/// </summary>
public sealed class GuardianPublicKeys : IEquatable<GuardianPublicKeys>
{
    public const int NameMaxLength = 128;

    private readonly byte[] _signingKey;
    private readonly byte[] _encryptionKey;

    private GuardianPublicKeys(string name, byte[] signingKey, byte[] encryptionKey, int encryptionKeySizeBits)
    {
        Name = name;
        _signingKey = signingKey;
        _encryptionKey = encryptionKey;
        EncryptionKeySizeBits = encryptionKeySizeBits;
        SigningThumbprint = Thumbprint.Of(signingKey);
        EncryptionThumbprint = Thumbprint.Of(encryptionKey);
    }

    /// <summary>A label chosen by whoever made the guardian; not unique and not trusted — the thumbprints are.</summary>
    public string Name { get; }

    /// <summary>DER SubjectPublicKeyInfo of the ECDSA P-384 signing key.</summary>
    public ReadOnlyMemory<byte> SigningKey => _signingKey;

    /// <summary>DER SubjectPublicKeyInfo of the RSA key that wraps content keys for this guardian.</summary>
    public ReadOnlyMemory<byte> EncryptionKey => _encryptionKey;

    public string SigningThumbprint { get; }

    public string EncryptionThumbprint { get; }

    public int EncryptionKeySizeBits { get; }

    /// <summary>Length in bytes of a key wrapped for this guardian (the RSA modulus length).</summary>
    public int WrappedKeyLength => EncryptionKeySizeBits / 8;

    /// <summary>Validates and builds from DER SPKI bytes; throws <see cref="GuardianFormatException"/> naming the problem.</summary>
    public static GuardianPublicKeys Create(string name, ReadOnlySpan<byte> signingKeySpki, ReadOnlySpan<byte> encryptionKeySpki) =>
        Create(name, signingKeySpki, encryptionKeySpki, ShieldingFormat.GuardianMetadata, "guardian");

    /// <summary>True when <paramref name="thumbprint"/> is this guardian's signing or encryption key thumbprint.</summary>
    public bool HasThumbprint(string thumbprint) =>
        Thumbprint.AreEqual(thumbprint, SigningThumbprint) || Thumbprint.AreEqual(thumbprint, EncryptionThumbprint);

    public bool Equals(GuardianPublicKeys? other) =>
        other is not null && SigningThumbprint == other.SigningThumbprint && EncryptionThumbprint == other.EncryptionThumbprint;

    public override bool Equals(object? obj) => Equals(obj as GuardianPublicKeys);

    public override int GetHashCode() => HashCode.Combine(SigningThumbprint, EncryptionThumbprint);

    public override string ToString() => $"{Name} (signing {SigningThumbprint})";

    internal static GuardianPublicKeys Create(
        string name, ReadOnlySpan<byte> signingKeySpki, ReadOnlySpan<byte> encryptionKeySpki, ShieldingFormat format, string field)
    {
        var problem = TextRules.Check(name, 1, NameMaxLength);
        if (problem is not null)
        {
            throw ShieldingFormatException.Create(format, ShieldingFormatError.Malformed, $"{field} name {problem}");
        }

        using var signing = GuardianAlgorithms.ImportSigningKey(signingKeySpki, format, $"{field} signing key");
        using var encryption = GuardianAlgorithms.ImportEncryptionKey(encryptionKeySpki, format, $"{field} encryption key");
        return new GuardianPublicKeys(name, signingKeySpki.ToArray(), encryptionKeySpki.ToArray(), encryption.KeySize);
    }

    internal static GuardianPublicKeys FromKeys(string name, ECDsa signingKey, RSA encryptionKey) =>
        new(name, signingKey.ExportSubjectPublicKeyInfo(), encryptionKey.ExportSubjectPublicKeyInfo(), encryptionKey.KeySize);

    internal ECDsa CreateVerifier() => GuardianAlgorithms.ImportSigningKey(_signingKey, ShieldingFormat.GuardianMetadata, "guardian signing key");

    internal RSA CreateWrappingKey() => GuardianAlgorithms.ImportEncryptionKey(_encryptionKey, ShieldingFormat.GuardianMetadata, "guardian encryption key");

    internal void WriteTo(FormatWriter writer)
    {
        writer.WriteString(Name);
        writer.WriteBytes16(_signingKey);
        writer.WriteBytes16(_encryptionKey);
    }

    internal static GuardianPublicKeys ReadFrom(ref FormatReader reader, ShieldingFormat format, string field)
    {
        var name = reader.ReadString($"{field} name", 1, NameMaxLength);
        var signing = reader.ReadBytes16($"{field} signing key", 1, GuardianAlgorithms.SigningKeyMaxBytes);
        var encryption = reader.ReadBytes16($"{field} encryption key", 1, GuardianAlgorithms.EncryptionKeyMaxBytes);
        return Create(name, signing, encryption, format, field);
    }
}
