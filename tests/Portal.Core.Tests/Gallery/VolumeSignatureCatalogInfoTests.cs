using Portal.Core.Common;
using Portal.Core.Gallery;

namespace Portal.Core.Tests.Gallery;

public class VolumeSignatureCatalogInfoTests
{
    internal const string Sha256Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Fact]
    public void Create_NormalizesVersionToFourPartsAndHashToUpperCase()
    {
        var vsc = VolumeSignatureCatalogInfo.Create("WS2025-DC", "10.2", "CN=Contoso Signing", Sha256Hex);

        Assert.Equal("WS2025-DC", vsc.VscName);
        Assert.Equal("10.2.0.0", vsc.VscVersion);
        Assert.Equal(new Version(10, 2, 0, 0), vsc.GetVersion());
        Assert.Equal("CN=Contoso Signing", vsc.Signer);
        Assert.Equal(Sha256Hex.ToUpperInvariant(), vsc.DiskHash);
    }

    [Fact]
    public void Create_SameCatalogSpelledDifferently_IsEqual()
    {
        var a = VolumeSignatureCatalogInfo.Create("WS2025", "1.0", "CN=Contoso", Sha256Hex);
        var b = VolumeSignatureCatalogInfo.Create("WS2025", "1.0.0.0", "CN=Contoso", Sha256Hex.ToUpperInvariant());

        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("", "1.0.0.0", "CN=Contoso", Sha256Hex, "VscName")]
    [InlineData("WS2025", "", "CN=Contoso", Sha256Hex, "VscVersion")]
    [InlineData("WS2025", "one", "CN=Contoso", Sha256Hex, "VscVersion")]
    [InlineData("WS2025", "1", "CN=Contoso", Sha256Hex, "VscVersion")]
    [InlineData("WS2025", "1.0.0.0", " ", Sha256Hex, "Signer")]
    [InlineData("WS2025", "1.0.0.0", "CN=Contoso", "abc", "DiskHash")]
    [InlineData("WS2025", "1.0.0.0", "CN=Contoso", "zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "DiskHash")]
    [InlineData("WS2025", "1.0.0.0", "CN=Contoso", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0", "DiskHash")]
    public void Create_InvalidValue_NamesTheField(string name, string version, string signer, string hash, string field)
    {
        var ex = Assert.Throws<DomainValidationException>(() => VolumeSignatureCatalogInfo.Create(name, version, signer, hash));

        Assert.Equal(field, Assert.Single(ex.Errors).Key);
    }
}
