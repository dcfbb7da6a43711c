using System.Security.Cryptography;
using System.Text.Json;

namespace Portal.Core.Shielding.Guardians;

/// <summary>
/// The private guardian file the tool saves (format <c>tenantportal-guardian-key</c>, version 1): a small JSON document
/// holding the name and both private keys as PKCS#8 PEM, encrypted with a passphrase when one is given.
/// See docs/formats/guardian.md.
/// </summary>
public static class GuardianKeyFile
{
    public const string FormatName = "tenantportal-guardian-key";

    public const int Version = 1;

    /// <summary>Larger files are refused before parsing: two PEM keys and a name fit in well under this.</summary>
    public const int MaxBytes = 64 * 1024;

    private const ShieldingFormat Format = ShieldingFormat.GuardianPrivateKey;

    // OWASP's 2023 figure for PBKDF2-HMAC-SHA256; the file sits on a tenant's disk, so offline guessing is the threat.
    internal static readonly PbeParameters PbeParameters = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 600_000);

    /// <summary>Serialises the private guardian; pass a passphrase to encrypt both keys with it.</summary>
    public static string Write(Guardian guardian, string? passphrase)
    {
        ArgumentNullException.ThrowIfNull(guardian);
        if (passphrase is { Length: 0 })
        {
            throw new ArgumentException("The passphrase is empty; pass null for an unencrypted file.", nameof(passphrase));
        }

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", Version);
            json.WriteString("name", guardian.Name);
            json.WriteBoolean("encrypted", passphrase is not null);
            json.WriteString("signingKey", guardian.ExportSigningKeyPem(passphrase));
            json.WriteString("encryptionKey", guardian.ExportEncryptionKeyPem(passphrase));
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Loads a private guardian; throws <see cref="GuardianFormatException"/> (e.g. PassphraseRequired, WrongPassphrase).</summary>
    public static Guardian Read(string text, string? passphrase)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var document = StrictJson.Parse(text, Format, MaxBytes);
        var obj = document.RootElement;
        StrictJson.ExpectFormat(obj, Format, FormatName, Version);
        StrictJson.ExpectProperties(obj, Format, "format", "version", "name", "encrypted", "signingKey", "encryptionKey");

        var name = StrictJson.GetString(obj, "name", Format);
        var encrypted = StrictJson.GetBoolean(obj, "encrypted", Format);
        if (encrypted && passphrase is null)
        {
            throw Fail(ShieldingFormatError.PassphraseRequired, "the keys are encrypted; give the passphrase.");
        }

        var signingPem = StrictJson.GetString(obj, "signingKey", Format);
        var encryptionPem = StrictJson.GetString(obj, "encryptionKey", Format);

        var signing = ECDsa.Create();
        var encryption = RSA.Create();
        try
        {
            ImportPem(signing, signingPem, encrypted ? passphrase : null, "signing key");
            ImportPem(encryption, encryptionPem, encrypted ? passphrase : null, "encryption key");
            var problem = GuardianAlgorithms.CheckSigningKey(signing) ?? GuardianAlgorithms.CheckEncryptionKey(encryption);
            if (problem is not null)
            {
                throw Fail(ShieldingFormatError.InvalidKey, problem);
            }

            var nameProblem = Binary.TextRules.Check(name, 1, GuardianPublicKeys.NameMaxLength);
            return nameProblem is null
                ? Guardian.FromKeys(name, signing, encryption)
                : throw Fail(ShieldingFormatError.Malformed, $"name {nameProblem}");
        }
        catch
        {
            signing.Dispose();
            encryption.Dispose();
            throw;
        }
    }

    private static void ImportPem(AsymmetricAlgorithm key, string pem, string? passphrase, string field)
    {
        var expectedLabel = passphrase is null ? "PRIVATE KEY" : "ENCRYPTED PRIVATE KEY";
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] != expectedLabel)
        {
            throw Fail(ShieldingFormatError.Malformed, $"the {field} is not a PEM block labelled \"{expectedLabel}\".");
        }

        try
        {
            if (passphrase is null)
            {
                key.ImportFromPem(pem);
            }
            else
            {
                key.ImportFromEncryptedPem(pem, passphrase);
            }
        }
        catch (CryptographicException)
        {
            throw passphrase is null
                ? Fail(ShieldingFormatError.InvalidKey, $"the {field} is not a valid key of the expected algorithm.")
                : Fail(ShieldingFormatError.WrongPassphrase, $"the passphrase does not decrypt the {field} (or the key is damaged).");
        }
        catch (ArgumentException)
        {
            throw Fail(ShieldingFormatError.Malformed, $"the {field} PEM is not valid.");
        }
    }

    private static GuardianFormatException Fail(ShieldingFormatError error, string detail) =>
        (GuardianFormatException)ShieldingFormatException.Create(Format, error, detail);
}
