using Portal.Core.Shielding;
using Portal.Core.Shielding.Catalogs;

namespace Portal.Core.Tests.Shielding;

public class VolumeSignatureCatalogTests
{
    [Fact]
    public async Task Sign_ThenRead_KeepsEveryFactAndVerifiesTheDisk()
    {
        var catalog = VolumeSignatureCatalog.Read(TestGuardians.Catalog.ToArray());

        Assert.Equal("WS2025-DC", catalog.Name);
        Assert.Equal(new Version(10, 0, 26100, 1), catalog.Version);
        Assert.Equal("ws2025.vhdx", catalog.DiskFileName);
        Assert.Equal(TestGuardians.DiskBytes.Length, catalog.DiskSize);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA384.HashData(TestGuardians.DiskBytes)), catalog.DiskHashHex);
        Assert.Equal(TestGuardians.Provider.PublicKeys.SigningThumbprint, catalog.SignerThumbprint);
        Assert.Equal("Contoso template signing", catalog.SignerName);
        Assert.Equal(TestGuardians.Time.GetUtcNow(), catalog.SignedAt);

        var result = await catalog.VerifyDiskAsync(new MemoryStream(TestGuardians.DiskBytes));
        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public async Task VerifyDisk_AnySingleChangedByte_IsDetectedAsHashMismatch()
    {
        var positions = new[] { 0, 1, 4095, 150_000, TestGuardians.DiskBytes.Length - 1 };
        foreach (var position in positions)
        {
            var disk = (byte[])TestGuardians.DiskBytes.Clone();
            disk[position] ^= 0x01;

            var result = await TestGuardians.Catalog.VerifyDiskAsync(new MemoryStream(disk));

            Assert.Equal(DiskVerificationFailure.HashMismatch, result.Failure);
        }
    }

    [Fact]
    public async Task VerifyDisk_ShorterOrLongerDisk_IsSizeMismatch()
    {
        var shorter = await TestGuardians.Catalog.VerifyDiskAsync(new MemoryStream(TestGuardians.DiskBytes[..^1]));
        var longer = await TestGuardians.Catalog.VerifyDiskAsync(new MemoryStream([.. TestGuardians.DiskBytes, 0]));

        Assert.Equal(DiskVerificationFailure.SizeMismatch, shorter.Failure);
        Assert.Equal(DiskVerificationFailure.SizeMismatch, longer.Failure);
    }

    [Fact]
    public async Task Verify_CatalogWithAnyChangedByte_IsCatalogInvalid()
    {
        var bytes = TestGuardians.Catalog.ToArray();
        for (var i = 0; i < bytes.Length; i++)
        {
            var changed = (byte[])bytes.Clone();
            changed[i] ^= 0x04;

            var result = await VolumeSignatureCatalog.VerifyAsync(changed, new MemoryStream(TestGuardians.DiskBytes));

            Assert.True(result.Failure == DiskVerificationFailure.CatalogInvalid, $"byte {i} changed yet: {result.Message}");
        }
    }

    [Fact]
    public void Read_CatalogResignedByAnotherKey_StillReadsButNamesTheOtherSigner()
    {
        var forged = TestGuardians.SignCatalog(TestGuardians.DiskBytes, "WS2025-DC", new Version(10, 0, 26100, 1), TestGuardians.Stranger);

        var catalog = VolumeSignatureCatalog.Read(forged.ToArray());

        Assert.NotEqual(TestGuardians.Catalog.SignerThumbprint, catalog.SignerThumbprint);
    }

    [Theory]
    [InlineData(0, ShieldingFormatError.Empty)]
    [InlineData(3, ShieldingFormatError.Truncated)]
    [InlineData(5, ShieldingFormatError.Truncated)]
    [InlineData(40, ShieldingFormatError.Truncated)]
    public void Read_TruncatedCatalog_SaysWhy(int length, ShieldingFormatError expected)
    {
        var ex = Assert.Throws<VolumeSignatureCatalogFormatException>(() => VolumeSignatureCatalog.Read(TestGuardians.Catalog.ToArray()[..length]));

        Assert.Equal(expected, ex.Error);
    }

    [Fact]
    public void Read_SignatureCutOff_IsUnsigned()
    {
        var bytes = TestGuardians.Catalog.ToArray();
        var unsigned = bytes[..^(2 + 96)].Concat(new byte[] { 0, 0 }).ToArray();

        var ex = Assert.Throws<VolumeSignatureCatalogFormatException>(() => VolumeSignatureCatalog.Read(unsigned));

        Assert.Equal(ShieldingFormatError.Unsigned, ex.Error);
    }

    [Fact]
    public void Read_TrailingBytes_AreRefused()
    {
        var ex = Assert.Throws<VolumeSignatureCatalogFormatException>(() => VolumeSignatureCatalog.Read([.. TestGuardians.Catalog.ToArray(), 0]));

        Assert.Equal(ShieldingFormatError.TrailingData, ex.Error);
    }

    [Fact]
    public async Task ReadAsync_UploadStream_ReadsTheCatalogAndRefusesOversizedOnes()
    {
        var catalog = await VolumeSignatureCatalog.ReadAsync(new MemoryStream(TestGuardians.Catalog.ToArray()));
        var ex = await Assert.ThrowsAsync<VolumeSignatureCatalogFormatException>(() =>
            VolumeSignatureCatalog.ReadAsync(new MemoryStream(new byte[VolumeSignatureCatalog.MaxBytes + 1])));

        Assert.Equal(TestGuardians.Catalog.SignerThumbprint, catalog.SignerThumbprint);
        Assert.Equal(ShieldingFormatError.TooLarge, ex.Error);
    }

    [Fact]
    public void Trusts_VerifiedCatalog_FollowsTheQualifiers()
    {
        var metadata = TestGuardians.CreatePdk().Metadata;
        var newer = TestGuardians.SignCatalog([1, 2, 3], "WS2025-DC", new Version(10, 0, 26100, 2));
        var older = TestGuardians.SignCatalog([1, 2, 3], "WS2025-DC", new Version(10, 0, 26100, 0));

        Assert.True(metadata.Trusts(TestGuardians.Catalog));
        Assert.True(metadata.Trusts(newer));
        Assert.False(metadata.Trusts(older));
    }

    [Fact]
    public void ToInfo_GivesTheGalleryFactsWithTheSignerThumbprint()
    {
        var info = TestGuardians.Catalog.ToInfo();

        Assert.Equal("WS2025-DC", info.VscName);
        Assert.Equal("10.0.26100.1", info.VscVersion);
        Assert.Equal(TestGuardians.Catalog.SignerThumbprint, info.Signer);
        Assert.Equal(TestGuardians.Catalog.DiskHashHex, info.DiskHash);
    }

    [Fact]
    public async Task Sign_TwoPartVersion_IsStoredAsFourParts()
    {
        var catalog = await VolumeSignatureCatalog.SignAsync(new MemoryStream([1, 2, 3]), "Tiny", new Version(2, 1), "tiny.vhdx", TestGuardians.Provider, TestGuardians.Time);

        Assert.Equal(new Version(2, 1, 0, 0), VolumeSignatureCatalog.Read(catalog.ToArray()).Version);
    }

    [Fact]
    public async Task Sign_DiskFileNameWithPath_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            VolumeSignatureCatalog.SignAsync(new MemoryStream([1]), "X", new Version(1, 0), "../x.vhdx", TestGuardians.Provider, TestGuardians.Time));
    }
}
