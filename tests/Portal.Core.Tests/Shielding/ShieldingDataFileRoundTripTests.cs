using System.Security.Cryptography;
using System.Text;
using Portal.Core.Shielding;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.KeyProtectors;
using Portal.Core.Shielding.Qualifiers;

namespace Portal.Core.Tests.Shielding;

public class ShieldingDataFileRoundTripTests
{
    [Fact]
    public void Open_WithOwnerKey_ReturnsEverySealedSecret()
    {
        var payload = ShieldingPayload.Create(
            TestGuardians.PasswordMarker,
            "<unattend>@ComputerName@</unattend>",
            [1, 2, 3, 4],
            ["ssh-ed25519 AAAAC3Nz tenant@laptop"],
            [new SecretFile("setup.ps1", "Write-Host hi"u8)]);
        var file = ShieldingDataFile.Read(TestGuardians.CreatePdk(payload).ToArray());

        var opened = file.Open(TestGuardians.Owner);

        Assert.Equal(TestGuardians.PasswordMarker, opened.AdministratorPassword);
        Assert.Equal("<unattend>@ComputerName@</unattend>", opened.AnswerFile);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, opened.RdpCertificate.ToArray());
        Assert.Equal(["ssh-ed25519 AAAAC3Nz tenant@laptop"], opened.SshPublicKeys);
        Assert.Equal("setup.ps1", Assert.Single(opened.Files).Name);
        Assert.Equal("Write-Host hi"u8.ToArray(), opened.Files[0].Content.ToArray());
    }

    [Fact]
    public void Open_WithEachListedGuardian_ReturnsTheSecrets()
    {
        var file = ShieldingDataFile.Read(TestGuardians.ValidPdk);

        Assert.Equal(TestGuardians.PasswordMarker, file.Open(TestGuardians.Fabric).AdministratorPassword);
        Assert.Equal(TestGuardians.PasswordMarker, file.Open(TestGuardians.OtherFabric).AdministratorPassword);
    }

    [Fact]
    public void Open_WithUnlistedGuardian_IsRefused()
    {
        var file = ShieldingDataFile.Read(TestGuardians.ValidPdk);

        var ex = Assert.Throws<GuardianNotListedException>(() => file.Open(TestGuardians.Stranger));

        Assert.Equal(TestGuardians.Stranger.PublicKeys.EncryptionThumbprint, ex.EncryptionThumbprint);
    }

    [Fact]
    public void ReadPublic_GivesTheSignedPublicFactsOnly()
    {
        var metadata = ShieldingDataFile.ReadPublic(TestGuardians.ValidPdk);

        Assert.Equal(ShieldingPolicy.Shielded, metadata.Policy);
        Assert.Equal(TestGuardians.Owner.PublicKeys, metadata.Owner);
        Assert.Equal([TestGuardians.Fabric.PublicKeys, TestGuardians.OtherFabric.PublicKeys], metadata.Guardians);
        Assert.Equal(TestGuardians.Time.GetUtcNow(), metadata.CreatedAt);
        Assert.NotEqual(Guid.Empty, metadata.FileId);
        var qualifier = Assert.Single(metadata.Qualifiers);
        Assert.Equal(VolumeIdQualifier.For(TestGuardians.Catalog, VersionRule.GreaterThanOrEquals), qualifier);
        Assert.True(metadata.IncludesGuardian(TestGuardians.Fabric.PublicKeys.SigningThumbprint));
        Assert.True(metadata.IncludesGuardian(TestGuardians.Fabric.PublicKeys.EncryptionThumbprint.ToLowerInvariant()));
        Assert.False(metadata.IncludesGuardian(TestGuardians.Owner.PublicKeys));
        Assert.False(metadata.IncludesGuardian(TestGuardians.Stranger.PublicKeys));
        Assert.True(metadata.Trusts(TestGuardians.Catalog.ToInfo()));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(TestGuardians.ValidPdk)), metadata.FileSha256);
    }

    [Fact]
    public void ReadPublic_FromStream_ReadsTheSameFile()
    {
        var metadata = ShieldingDataFile.ReadPublic(new MemoryStream(TestGuardians.ValidPdk));

        Assert.Equal(ShieldingDataFile.ReadPublic(TestGuardians.ValidPdk).FileId, metadata.FileId);
    }

    [Fact]
    public async Task ReadAsync_FromAnUploadStream_KeepsTheExactBytesAndMetadata()
    {
        var file = await ShieldingDataFile.ReadAsync(new MemoryStream(TestGuardians.ValidPdk));

        Assert.Equal(TestGuardians.ValidPdk, file.ToArray());
        Assert.Equal(ShieldingPolicy.Shielded, file.Metadata.Policy);
    }

    [Fact]
    public async Task ReadAsync_UploadLargerThanTheLimit_IsTooLarge()
    {
        var ex = await Assert.ThrowsAsync<ShieldingDataFormatException>(() => ShieldingDataFile.ReadAsync(new MemoryStream(TestGuardians.ValidPdk), maxBytes: 100));

        Assert.Equal(ShieldingFormatError.TooLarge, ex.Error);
    }

    [Fact]
    public void Open_ConcurrentlyBySharedGuardian_AlwaysSucceeds()
    {
        var file = ShieldingDataFile.Read(TestGuardians.ValidPdk);

        Parallel.For(0, 32, _ => Assert.Equal(TestGuardians.PasswordMarker, file.Open(TestGuardians.Fabric).AdministratorPassword));
    }

    [Fact]
    public void FileBytes_DoNotContainTheAdministratorPasswordInClear()
    {
        var bytes = TestGuardians.ValidPdk;

        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(TestGuardians.PasswordMarker)));
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(TestGuardians.PasswordMarker)));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("@ComputerName@"u8));
    }

    [Fact]
    public void Create_TwiceWithTheSameInput_UsesFreshKeysAndNonces()
    {
        var a = TestGuardians.CreatePdk();
        var b = TestGuardians.CreatePdk();

        Assert.NotEqual(a.Metadata.FileId, b.Metadata.FileId);
        var ciphertextA = Slice(a, "ciphertext");
        var ciphertextB = Slice(b, "ciphertext");
        Assert.NotEqual(ciphertextA, ciphertextB);
    }

    [Fact]
    public void Create_WithoutGuardians_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => ShieldingDataFile.Create(
            TestGuardians.Owner, [], [VolumeIdQualifier.For(TestGuardians.Catalog, VersionRule.Equals)],
            ShieldingPolicy.Shielded, ShieldingPayload.Create("pw"), TestGuardians.Time));
    }

    [Fact]
    public void Create_OwnerListedAsGuardianOrGuardianTwice_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => TestGuardians.CreatePdk(guardians: [TestGuardians.Owner.PublicKeys]));
        Assert.Throws<ArgumentException>(() => TestGuardians.CreatePdk(guardians: [TestGuardians.Fabric.PublicKeys, TestGuardians.Fabric.PublicKeys]));
    }

    [Fact]
    public void Create_PayloadLargerThanTheLimit_IsRefused()
    {
        var files = Enumerable.Range(0, 5).Select(i => new SecretFile($"f{i}", new byte[SecretFile.MaxBytes]));

        Assert.Throws<ArgumentException>(() => TestGuardians.CreatePdk(ShieldingPayload.Create("pw", files: files)));
    }

    [Fact]
    public void RewrapContentKey_ForAHostKey_LetsOnlyThatHostOpenTheSecrets()
    {
        using var host = RSA.Create(2048);
        using var hostPublic = RSA.Create();
        hostPublic.ImportSubjectPublicKeyInfo(host.ExportSubjectPublicKeyInfo(), out _);
        var file = ShieldingDataFile.Read(TestGuardians.ValidPdk);

        var forHost = file.RewrapContentKey(TestGuardians.Fabric, hostPublic);
        var contentKey = KeyWrap.Unwrap(forHost, host);

        Assert.Equal(TestGuardians.PasswordMarker, file.OpenWithContentKey(contentKey).AdministratorPassword);
        using var otherHost = RSA.Create(2048);
        Assert.Null(KeyWrap.TryUnwrap(forHost, otherHost));
        Assert.Throws<GuardianNotListedException>(() => file.RewrapContentKey(TestGuardians.Stranger, hostPublic));
    }

    [Fact]
    public void OpenWithContentKey_WrongKey_IsCiphertextTampered()
    {
        var file = ShieldingDataFile.Read(TestGuardians.ValidPdk);

        var ex = Assert.Throws<ShieldingDataFormatException>(() => file.OpenWithContentKey(new byte[32]));

        Assert.Equal(ShieldingFormatError.CiphertextTampered, ex.Error);
    }

    [Fact]
    public void Create_EncryptionSupportedPolicy_IsKept()
    {
        var metadata = ShieldingDataFile.ReadPublic(TestGuardians.CreatePdk(policy: ShieldingPolicy.EncryptionSupported).ToArray());

        Assert.Equal(ShieldingPolicy.EncryptionSupported, metadata.Policy);
    }

    private static byte[] Slice(ShieldingDataFile file, string region)
    {
        var r = file.Regions.Single(x => x.Name == region);
        return file.ToArray().AsSpan(r.Offset, r.Length).ToArray();
    }
}
