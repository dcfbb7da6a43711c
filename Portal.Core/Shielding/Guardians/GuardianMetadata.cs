using System.Text;
using System.Text.Json;
using Portal.Core.Shielding.Binary;

namespace Portal.Core.Shielding.Guardians;

/// <summary>
/// Guardian metadata (format <c>tenantportal-guardian-metadata</c>, version 1): the JSON file a fabric publishes and
/// tenants add to their shielding data — name, both public keys (DER SPKI, base64), their thumbprints, and a
/// self-signature by the signing key that binds the encryption key to it. See docs/formats/guardian.md.
/// </summary>
public static class GuardianMetadata
{
    public const string FormatName = "tenantportal-guardian-metadata";

    public const int Version = 1;

    public const int MaxBytes = 16 * 1024;

    private const ShieldingFormat Format = ShieldingFormat.GuardianMetadata;

    // The signed bytes start with their own magic so a metadata signature can never be taken for any other signature.
    private static readonly byte[] SignedMagic = "TPGM"u8.ToArray();

    /// <summary>Writes the public metadata of a guardian, self-signed with its signing key.</summary>
    public static string Write(Guardian guardian)
    {
        ArgumentNullException.ThrowIfNull(guardian);
        var keys = guardian.PublicKeys;
        var signature = guardian.Sign(SignedBytes(keys));

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", Version);
            json.WriteString("name", keys.Name);
            WriteKey(json, "signingKey", GuardianAlgorithms.SigningAlgorithm, keys.SigningKey.Span, keys.SigningThumbprint);
            WriteKey(json, "encryptionKey", GuardianAlgorithms.EncryptionAlgorithm, keys.EncryptionKey.Span, keys.EncryptionThumbprint);
            json.WriteBase64String("signature", signature);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>UTF-8 bytes of the metadata file, e.g. for a download.</summary>
    public static byte[] WriteUtf8(Guardian guardian) => Encoding.UTF8.GetBytes(Write(guardian));

    /// <summary>Parses and fully validates metadata; throws <see cref="GuardianFormatException"/> with the reason.</summary>
    public static GuardianPublicKeys Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxBytes)
        {
            throw Fail(ShieldingFormatError.TooLarge, $"the file is larger than {MaxBytes} bytes.");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw Fail(ShieldingFormatError.Malformed, "the file is not UTF-8 text.");
        }

        return Parse(text);
    }

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static GuardianPublicKeys Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var document = StrictJson.Parse(text.TrimStart('\uFEFF'), Format, MaxBytes);
        var root = document.RootElement;
        StrictJson.ExpectFormat(root, Format, FormatName, Version);
        StrictJson.ExpectProperties(root, Format, "format", "version", "name", "signingKey", "encryptionKey", "signature");

        var name = StrictJson.GetString(root, "name", Format);
        var signing = ReadKey(root, "signingKey", GuardianAlgorithms.SigningAlgorithm, GuardianAlgorithms.SigningKeyMaxBytes);
        var encryption = ReadKey(root, "encryptionKey", GuardianAlgorithms.EncryptionAlgorithm, GuardianAlgorithms.EncryptionKeyMaxBytes);
        var signature = StrictJson.GetBase64(root, "signature", Format, GuardianAlgorithms.SignatureLength);

        var keys = GuardianPublicKeys.Create(name, signing.Spki, encryption.Spki, Format, "guardian");
        CheckThumbprint("signingKey", signing.Thumbprint, keys.SigningThumbprint);
        CheckThumbprint("encryptionKey", encryption.Thumbprint, keys.EncryptionThumbprint);

        if (signature.Length != GuardianAlgorithms.SignatureLength)
        {
            throw Fail(ShieldingFormatError.SignatureInvalid, $"the signature must be {GuardianAlgorithms.SignatureLength} bytes.");
        }

        using var verifier = keys.CreateVerifier();
        return verifier.VerifyData(SignedBytes(keys), signature, GuardianAlgorithms.SignatureHash)
            ? keys
            : throw Fail(ShieldingFormatError.SignatureInvalid,
                "the signature does not verify with the signing key: the name or a key was changed after the metadata was made.");
    }

    private static byte[] SignedBytes(GuardianPublicKeys keys)
    {
        var writer = new FormatWriter();
        writer.WriteHeader(SignedMagic, Version);
        keys.WriteTo(writer);
        return writer.ToArray();
    }

    private static void WriteKey(Utf8JsonWriter json, string property, string algorithm, ReadOnlySpan<byte> spki, string thumbprint)
    {
        json.WriteStartObject(property);
        json.WriteString("algorithm", algorithm);
        json.WriteBase64String("spki", spki);
        json.WriteString("thumbprint", thumbprint);
        json.WriteEndObject();
    }

    private static (byte[] Spki, string Thumbprint) ReadKey(JsonElement root, string property, string algorithm, int maxBytes)
    {
        var key = StrictJson.GetObject(root, property, Format);
        StrictJson.ExpectProperties(key, Format, "algorithm", "spki", "thumbprint");
        if (StrictJson.GetString(key, "algorithm", Format) != algorithm)
        {
            throw Fail(ShieldingFormatError.InvalidKey, $"{property}.algorithm must be \"{algorithm}\".");
        }

        var thumbprint = StrictJson.GetString(key, "thumbprint", Format);
        if (!Thumbprint.IsWellFormed(thumbprint))
        {
            throw Fail(ShieldingFormatError.Malformed, $"{property}.thumbprint must be {Thumbprint.HexLength} hex characters.");
        }

        return (StrictJson.GetBase64(key, "spki", Format, maxBytes), thumbprint);
    }

    private static void CheckThumbprint(string property, string stated, string computed)
    {
        if (!Thumbprint.AreEqual(stated, computed))
        {
            throw Fail(ShieldingFormatError.ThumbprintMismatch,
                $"{property}.thumbprint {stated} is not the SHA-256 of the key it accompanies ({computed}).");
        }
    }

    private static GuardianFormatException Fail(ShieldingFormatError error, string detail) =>
        (GuardianFormatException)ShieldingFormatException.Create(Format, error, detail);
}
