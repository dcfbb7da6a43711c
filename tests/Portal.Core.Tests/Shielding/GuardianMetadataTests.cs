using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Core.Shielding;
using Portal.Core.Shielding.Guardians;

namespace Portal.Core.Tests.Shielding;

public class GuardianMetadataTests
{
    [Fact]
    public void Write_ThenParse_GivesTheSamePublicKeysAndThumbprints()
    {
        var json = GuardianMetadata.Write(TestGuardians.Fabric);

        var keys = GuardianMetadata.Parse(json);

        Assert.Equal(TestGuardians.Fabric.PublicKeys, keys);
        Assert.Equal("Contoso fabric", keys.Name);
        Assert.Equal(Thumbprint.Of(keys.SigningKey.Span), keys.SigningThumbprint);
        Assert.Matches("^[0-9A-F]{64}$", keys.EncryptionThumbprint);
        Assert.Equal(3072, keys.EncryptionKeySizeBits);
    }

    [Fact]
    public void Write_ContainsNoPrivateKeyMaterial()
    {
        var json = GuardianMetadata.Write(TestGuardians.Fabric);

        Assert.DoesNotContain("PRIVATE", json, StringComparison.OrdinalIgnoreCase);
        var privateFile = GuardianKeyFile.Write(TestGuardians.Fabric, passphrase: null);
        var privatePem = JsonNode.Parse(privateFile)!["signingKey"]!.GetValue<string>();
        var privateBase64 = privatePem.Split('\n')[1];
        Assert.DoesNotContain(privateBase64, json, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<JsonObject, JsonNode?>, ShieldingFormatError> Edits => new()
    {
        { "format renamed", o => o["format"] = "something-else", ShieldingFormatError.WrongMagic },
        { "version 2", o => o["version"] = 2, ShieldingFormatError.UnsupportedVersion },
        { "version text", o => o["version"] = "1", ShieldingFormatError.Malformed },
        { "name changed", o => o["name"] = "Evil fabric", ShieldingFormatError.SignatureInvalid },
        { "name empty", o => o["name"] = "", ShieldingFormatError.Malformed },
        { "unknown property", o => o["extra"] = 1, ShieldingFormatError.Malformed },
        { "signature removed", o => Remove(o, "signature"), ShieldingFormatError.Malformed },
        { "signature not base64", o => o["signature"] = "***", ShieldingFormatError.Malformed },
        { "signature too short", o => o["signature"] = Convert.ToBase64String(new byte[10]), ShieldingFormatError.SignatureInvalid },
        { "signing algorithm changed", o => o["signingKey"]!["algorithm"] = "RSA", ShieldingFormatError.InvalidKey },
        { "signing thumbprint changed", o => o["signingKey"]!["thumbprint"] = new string('A', 64), ShieldingFormatError.ThumbprintMismatch },
        { "encryption thumbprint not hex", o => o["encryptionKey"]!["thumbprint"] = "xyz", ShieldingFormatError.Malformed },
        { "encryption key swapped for another guardian's", o => SwapEncryptionKey(o), ShieldingFormatError.SignatureInvalid },
        { "encryption key garbage", o => o["encryptionKey"]!["spki"] = Convert.ToBase64String(new byte[300]), ShieldingFormatError.InvalidKey },
        { "signing key on curve P-256", o => o["signingKey"]!["spki"] = P256Key(), ShieldingFormatError.InvalidKey },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void Parse_EditedMetadata_IsRefusedWithThePreciseReason(string edit, Func<JsonObject, JsonNode?> change, ShieldingFormatError expected)
    {
        var node = JsonNode.Parse(GuardianMetadata.Write(TestGuardians.Fabric))!.AsObject();
        change(node);

        var ex = Assert.Throws<GuardianFormatException>(() => GuardianMetadata.Parse(node.ToJsonString()));

        Assert.True(expected == ex.Error, $"{edit}: expected {expected}, got {ex.Error} ({ex.Message})");
        Assert.StartsWith("Guardian metadata: ", ex.Message);
    }

    [Theory]
    [InlineData("", ShieldingFormatError.Empty)]
    [InlineData("   ", ShieldingFormatError.Empty)]
    [InlineData("{", ShieldingFormatError.Malformed)]
    [InlineData("[1,2]", ShieldingFormatError.WrongMagic)]
    [InlineData("{\"format\":\"tenantportal-guardian-metadata\"}", ShieldingFormatError.Malformed)]
    public void Parse_NotMetadata_IsRefused(string text, ShieldingFormatError expected)
    {
        var ex = Assert.Throws<GuardianFormatException>(() => GuardianMetadata.Parse(text));

        Assert.Equal(expected, ex.Error);
    }

    [Fact]
    public void Parse_DuplicateProperty_IsRefused()
    {
        var json = GuardianMetadata.Write(TestGuardians.Fabric);
        var doubled = json.Replace("\"name\":", "\"name\": \"x\", \"name\":", StringComparison.Ordinal);

        var ex = Assert.Throws<GuardianFormatException>(() => GuardianMetadata.Parse(doubled));

        Assert.Contains("twice", ex.Message);
    }

    [Fact]
    public void Parse_OversizedInput_IsRefusedBeforeParsing()
    {
        var huge = new byte[GuardianMetadata.MaxBytes + 1];

        var ex = Assert.Throws<GuardianFormatException>(() => GuardianMetadata.Parse(huge));

        Assert.Equal(ShieldingFormatError.TooLarge, ex.Error);
    }

    [Fact]
    public void Parse_InvalidUtf8_IsRefused()
    {
        var ex = Assert.Throws<GuardianFormatException>(() => GuardianMetadata.Parse(new byte[] { 0x7B, 0xFF, 0x7D }));

        Assert.Equal(ShieldingFormatError.Malformed, ex.Error);
    }

    [Fact]
    public void Parse_Utf8BytesWithBom_Works()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(GuardianMetadata.WriteUtf8(TestGuardians.Fabric)).ToArray();

        Assert.Equal(TestGuardians.Fabric.PublicKeys, GuardianMetadata.Parse(bytes));
    }

    private static JsonNode? Remove(JsonObject o, string property)
    {
        o.Remove(property);
        return null;
    }

    private static string P256Key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    private static JsonNode? SwapEncryptionKey(JsonObject o)
    {
        var other = JsonNode.Parse(GuardianMetadata.Write(TestGuardians.Stranger))!;
        o["encryptionKey"] = other["encryptionKey"]!.DeepClone();
        return null;
    }
}
