using Portal.Core.Gallery;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.Qualifiers;

namespace Portal.Core.Tests.Shielding;

public class VolumeIdQualifierTests
{
    private static readonly string Signer = TestGuardians.Catalog.SignerThumbprint;

    [Theory]
    [InlineData(VersionRule.Equals, "10.0.26100.1", true)]
    [InlineData(VersionRule.Equals, "10.0.26100.0", false)]
    [InlineData(VersionRule.Equals, "10.0.26100.2", false)]
    [InlineData(VersionRule.GreaterThanOrEquals, "10.0.26100.1", true)]
    [InlineData(VersionRule.GreaterThanOrEquals, "10.0.26100.0", true)]
    [InlineData(VersionRule.GreaterThanOrEquals, "9.9", true)]
    [InlineData(VersionRule.GreaterThanOrEquals, "10.0.26100.2", false)]
    [InlineData(VersionRule.GreaterThanOrEquals, "11.0", false)]
    public void Matches_AppliesTheVersionRuleToTheCatalogVersion(VersionRule rule, string qualifierVersion, bool expected)
    {
        var qualifier = VolumeIdQualifier.Create("WS2025-DC", Signer, rule, Version.Parse(qualifierVersion));

        Assert.Equal(expected, qualifier.Matches(TestGuardians.Catalog));
        Assert.Equal(expected, qualifier.Matches(TestGuardians.Catalog.ToInfo()));
    }

    [Fact]
    public void Matches_OtherNameOrOtherSigner_IsFalse()
    {
        var otherName = VolumeIdQualifier.Create("WS2025-Core", Signer, VersionRule.GreaterThanOrEquals, new Version(1, 0));
        var otherSigner = VolumeIdQualifier.Create("WS2025-DC", TestGuardians.Stranger.PublicKeys.SigningThumbprint, VersionRule.GreaterThanOrEquals, new Version(1, 0));
        var caseChanged = VolumeIdQualifier.Create("ws2025-dc", Signer, VersionRule.GreaterThanOrEquals, new Version(1, 0));

        Assert.False(otherName.Matches(TestGuardians.Catalog));
        Assert.False(otherSigner.Matches(TestGuardians.Catalog));
        Assert.False(caseChanged.Matches(TestGuardians.Catalog));
    }

    [Fact]
    public void Matches_SignerThumbprintInLowerCase_StillMatches()
    {
        var qualifier = VolumeIdQualifier.Create("WS2025-DC", Signer.ToLowerInvariant(), VersionRule.Equals, TestGuardians.Catalog.Version);

        Assert.True(qualifier.Matches(TestGuardians.Catalog));
        Assert.Equal(Signer, qualifier.SignerThumbprint);
    }

    [Theory]
    [InlineData("Equals", VersionRule.Equals)]
    [InlineData("greaterthanorequals", VersionRule.GreaterThanOrEquals)]
    [InlineData("1", null)]
    [InlineData("Greater", null)]
    [InlineData("", null)]
    public void ParseRule_AcceptsOnlyTheTwoNames(string text, VersionRule? expected)
    {
        Assert.Equal(expected, VolumeIdQualifier.ParseRule(text));
    }

    [Fact]
    public void TrustedTemplates_ReturnsOnlyShieldingCapableTemplatesWhoseCatalogMatches()
    {
        var metadata = TestGuardians.CreatePdk().Metadata;
        var trusted = Template("trusted", TestGuardians.Catalog);
        var otherSigner = Template("other signer",
            TestGuardians.SignCatalog(TestGuardians.DiskBytes, "WS2025-DC", new Version(10, 0, 26100, 1), TestGuardians.Stranger));
        var older = Template("older", TestGuardians.SignCatalog(TestGuardians.DiskBytes, "WS2025-DC", new Version(10, 0, 26100, 0)));
        var unsigned = Template("unsigned", null);

        var result = metadata.TrustedTemplates([trusted, otherSigner, older, unsigned]);

        Assert.Equal(["trusted"], result.Select(t => t.Name));
    }

    private static VmTemplate Template(string name, VolumeSignatureCatalog? vsc)
    {
        var template = VmTemplate.Create(name, OsFamily.Windows, "2025", 2, "ws2025.vhdx", 40, null, null, TestGuardians.Time.GetUtcNow());
        if (vsc is not null)
        {
            template.AttachDisk(TestGuardians.DiskSha384, TestGuardians.DiskBytes.Length);
            template.AttachCatalog(vsc);
        }

        return template;
    }
}
