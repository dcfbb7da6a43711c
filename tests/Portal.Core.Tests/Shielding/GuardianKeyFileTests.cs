using System.Text.Json.Nodes;
using Portal.Core.Shielding;
using Portal.Core.Shielding.Guardians;

namespace Portal.Core.Tests.Shielding;

public class GuardianKeyFileTests
{
    [Fact]
    public void Write_WithoutPassphrase_ThenRead_RestoresTheSameGuardian()
    {
        var text = GuardianKeyFile.Write(TestGuardians.Owner, passphrase: null);

        using var restored = GuardianKeyFile.Read(text, passphrase: null);

        Assert.Equal(TestGuardians.Owner.PublicKeys, restored.PublicKeys);
        Assert.Equal(TestGuardians.Owner.Name, restored.Name);
        Assert.Contains("-----BEGIN PRIVATE KEY-----", text);
    }

    [Fact]
    public void Write_WithPassphrase_EncryptsKeysAndNeedsThePassphraseToRead()
    {
        var text = GuardianKeyFile.Write(TestGuardians.Owner, "correct horse battery staple");

        Assert.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", text);
        Assert.DoesNotContain("-----BEGIN PRIVATE KEY-----", text);
        using var restored = GuardianKeyFile.Read(text, "correct horse battery staple");
        Assert.Equal(TestGuardians.Owner.PublicKeys, restored.PublicKeys);

        var missing = Assert.Throws<GuardianFormatException>(() => GuardianKeyFile.Read(text, passphrase: null));
        Assert.Equal(ShieldingFormatError.PassphraseRequired, missing.Error);
        var wrong = Assert.Throws<GuardianFormatException>(() => GuardianKeyFile.Read(text, "wrong"));
        Assert.Equal(ShieldingFormatError.WrongPassphrase, wrong.Error);
    }

    [Fact]
    public void Read_MetadataInsteadOfKeyFile_SaysItIsTheWrongKindOfFile()
    {
        var ex = Assert.Throws<GuardianFormatException>(() => GuardianKeyFile.Read(GuardianMetadata.Write(TestGuardians.Owner), null));

        Assert.Equal(ShieldingFormatError.WrongMagic, ex.Error);
        Assert.Equal(ShieldingFormat.GuardianPrivateKey, ex.Format);
    }

    [Fact]
    public void Read_KeysSwappedBetweenRoles_IsRefused()
    {
        var node = JsonNode.Parse(GuardianKeyFile.Write(TestGuardians.Owner, null))!.AsObject();
        (node["signingKey"], node["encryptionKey"]) = (node["encryptionKey"]!.DeepClone(), node["signingKey"]!.DeepClone());

        var ex = Assert.Throws<GuardianFormatException>(() => GuardianKeyFile.Read(node.ToJsonString(), null));

        Assert.Equal(ShieldingFormatError.InvalidKey, ex.Error);
    }

    [Fact]
    public void Create_NameWithControlCharacters_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => Guardian.Create("bad\nname"));
    }
}
