using System.Reflection;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Tests.Shielding;

namespace Portal.Core.Tests.Gallery;

public class VmTemplateTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static VmTemplate NewTemplate(int generation = 2, Guid? profileId = null, bool withDisk = true)
    {
        var template = VmTemplate.Create(
            "Windows Server 2025 Datacenter", OsFamily.Windows, "2025", generation, "ws2025.vhdx", 127, profileId, null, Now);
        if (withDisk)
        {
            template.AttachDisk(TestGuardians.DiskSha384, TestGuardians.DiskBytes.Length);
        }

        return template;
    }

    [Fact]
    public void Create_KeepsValuesAndStartsActiveWithoutCatalog()
    {
        var profileId = Guid.NewGuid();

        var template = NewTemplate(profileId: profileId);

        Assert.Equal("Windows Server 2025 Datacenter", template.Name);
        Assert.Equal(OsFamily.Windows, template.OsFamily);
        Assert.Equal(2, template.Generation);
        Assert.Equal("ws2025.vhdx", template.DiskFileName);
        Assert.Equal(127, template.DiskSizeGiB);
        Assert.Equal(profileId, template.DefaultHardwareProfileId);
        Assert.True(template.IsActive);
        Assert.Null(template.Vsc);
        Assert.Equal(Now, template.CreatedAt);
    }

    [Fact]
    public void AttachCatalog_VerifiedCatalogOnGeneration2_MakesShieldingCapableAndKeepsTheSignedFile()
    {
        var template = NewTemplate(generation: 2);

        template.AttachCatalog(TestGuardians.Catalog);

        Assert.True(template.IsShieldingCapable);
        Assert.Equal(TestGuardians.Catalog.ToInfo(), template.Vsc);
        Assert.Equal(TestGuardians.Catalog.ToArray(), template.VscFile);
    }

    [Fact]
    public void AttachCatalog_Generation1_IsRefusedNamingGeneration()
    {
        var template = NewTemplate(generation: 1);

        var ex = Assert.Throws<DomainValidationException>(() => template.AttachCatalog(TestGuardians.Catalog));

        Assert.Equal("Generation", Assert.Single(ex.Errors).Key);
        Assert.Null(template.Vsc);
        Assert.Null(template.VscFile);
    }

    [Fact]
    public async Task AttachCatalog_CatalogForAnotherDisk_IsRefusedNamingDiskFileName()
    {
        var template = NewTemplate();
        var otherDisk = await VolumeSignatureCatalog.SignAsync(new MemoryStream(TestGuardians.DiskBytes), "WS2025-DC",
            new Version(10, 0, 26100, 1), "other.vhdx", TestGuardians.Provider, TestGuardians.Time);

        var ex = Assert.Throws<DomainValidationException>(() => template.AttachCatalog(otherDisk));

        Assert.Equal("DiskFileName", Assert.Single(ex.Errors).Key);
        Assert.False(template.IsShieldingCapable);
    }

    [Fact]
    public void AttachDisk_RecordsTheUpperCaseHashAndTheFileSize()
    {
        var template = NewTemplate(withDisk: false);
        Assert.False(template.HasDisk);

        template.AttachDisk(TestGuardians.DiskSha384.ToLowerInvariant(), 300_000);

        Assert.True(template.HasDisk);
        Assert.Equal(TestGuardians.DiskSha384, template.DiskSha384);
        Assert.Equal(300_000, template.DiskFileBytes);
    }

    [Theory]
    [InlineData("ABC", 10)]
    [InlineData(null, 10)]
    [InlineData("valid", 0)]
    public void AttachDisk_NotASha384OrEmpty_IsRefused(string? hash, long size)
    {
        var template = NewTemplate(withDisk: false);

        Assert.Throws<DomainValidationException>(() => template.AttachDisk(hash == "valid" ? TestGuardians.DiskSha384 : hash!, size));
        Assert.False(template.HasDisk);
    }

    [Fact]
    public void AttachDisk_AnotherDiskWhileTheCatalogSignsThisOne_IsAConflictNamingBothShortHashes()
    {
        var template = NewTemplate();
        template.AttachCatalog(TestGuardians.Catalog);
        var other = new string('A', TemplateDiskHash.HexLength);

        var ex = Assert.Throws<StateConflictException>(() => template.AttachDisk(other, 10));

        Assert.Contains(TestGuardians.DiskSha384[..12], ex.Message);
        Assert.Contains(other[..12], ex.Message);
        Assert.Equal(TestGuardians.DiskSha384, template.DiskSha384);
    }

    [Fact]
    public void AttachCatalog_WithoutLibraryDisk_IsRefusedAskingForTheDiskFirst()
    {
        var template = NewTemplate(withDisk: false);

        var ex = Assert.Throws<DomainValidationException>(() => template.AttachCatalog(TestGuardians.Catalog));

        Assert.Contains("upload the template disk first", Assert.Single(ex.Errors["DiskSha384"]));
        Assert.False(template.IsShieldingCapable);
    }

    [Fact]
    public void AttachCatalog_LibraryDiskWithAnotherHash_IsRefusedNamingBothShortHashes()
    {
        var template = NewTemplate(withDisk: false);
        var other = new string('B', TemplateDiskHash.HexLength);
        template.AttachDisk(other, TestGuardians.DiskBytes.Length);

        var ex = Assert.Throws<DomainValidationException>(() => template.AttachCatalog(TestGuardians.Catalog));

        var reason = Assert.Single(ex.Errors["DiskSha384"]);
        Assert.Contains(TestGuardians.DiskSha384[..12], reason);
        Assert.Contains(other[..12], reason);
        Assert.Null(template.Vsc);
    }

    [Fact]
    public void IsShieldingCapable_Generation2WithoutCatalog_IsFalse()
    {
        Assert.False(NewTemplate(generation: 2).IsShieldingCapable);
    }

    [Fact]
    public void AttachCatalog_Again_ReplacesTheCatalogAndItsFile()
    {
        var template = NewTemplate();
        template.AttachCatalog(TestGuardians.Catalog);
        var resigned = TestGuardians.SignCatalog(TestGuardians.DiskBytes, "WS2025-DC", new Version(10, 0, 26100, 2));

        template.AttachCatalog(resigned);

        Assert.Equal("10.0.26100.2", template.Vsc!.VscVersion);
        Assert.Equal(resigned.ToArray(), template.VscFile);
    }

    [Fact]
    public void Update_OtherFields_KeepsTheVerifiedCatalogAndItsFile()
    {
        var template = NewTemplate();
        template.AttachCatalog(TestGuardians.Catalog);

        template.Update("Renamed", OsFamily.Windows, "2025 Standard", null, "changed");

        Assert.True(template.IsShieldingCapable);
        Assert.Equal(TestGuardians.Catalog.ToInfo(), template.Vsc);
        Assert.Equal(TestGuardians.Catalog.ToArray(), template.VscFile);
    }

    [Fact]
    public void PublicSurface_TakesNoUnverifiedCatalogFacts()
    {
        var takesFacts = typeof(VmTemplate)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(VolumeSignatureCatalogInfo)))
            .Select(m => m.Name);

        Assert.Empty(takesFacts);
    }

    [Fact]
    public void RemoveCatalog_MakesTemplateNotShieldingCapableAndDropsTheFile()
    {
        var template = NewTemplate();
        template.AttachCatalog(TestGuardians.Catalog);

        template.RemoveCatalog();

        Assert.Null(template.Vsc);
        Assert.Null(template.VscFile);
        Assert.False(template.IsShieldingCapable);
    }

    [Fact]
    public void RemoveCatalog_NoneAttached_IsRefused()
    {
        var ex = Assert.Throws<StateConflictException>(() => NewTemplate().RemoveCatalog());

        Assert.Contains("no volume signature catalog", ex.Message);
    }

    [Fact]
    public void Retire_Active_MakesInactive()
    {
        var template = NewTemplate();
        var later = Now.AddDays(30);

        template.Retire(later);

        Assert.False(template.IsActive);
        Assert.Equal(later, template.RetiredAt);
    }

    [Fact]
    public void Retire_AlreadyRetired_IsRefused()
    {
        var template = NewTemplate();
        template.Retire(Now);

        Assert.Throws<StateConflictException>(() => template.Retire(Now));
    }

    [Fact]
    public void Reactivate_Retired_MakesActiveAgain()
    {
        var template = NewTemplate();
        template.Retire(Now);

        template.Reactivate();

        Assert.True(template.IsActive);
        Assert.Null(template.RetiredAt);
    }

    [Fact]
    public void Reactivate_Active_IsRefused()
    {
        Assert.Throws<StateConflictException>(() => NewTemplate().Reactivate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Create_GenerationOtherThan1Or2_NamesGeneration(int generation)
    {
        var ex = Assert.Throws<DomainValidationException>(() => NewTemplate(generation: generation));

        Assert.Equal("Generation", Assert.Single(ex.Errors).Key);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("disks/ws2025.vhdx")]
    [InlineData(@"C:\disks\ws2025.vhdx")]
    [InlineData("..")]
    [InlineData("")]
    public void Create_DiskFileNameNotAPlainFileName_NamesDiskFileName(string fileName)
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            VmTemplate.Create("Ubuntu", OsFamily.Linux, "24.04", 2, fileName, 30, null, null, Now));

        Assert.Equal("DiskFileName", Assert.Single(ex.Errors).Key);
    }

    [Theory]
    [InlineData("", "24.04", 30, "Name")]
    [InlineData("Ubuntu", "", 30, "OsVersion")]
    [InlineData("Ubuntu", "24.04", 0, "DiskSizeGiB")]
    [InlineData("Ubuntu", "24.04", 65537, "DiskSizeGiB")]
    public void Create_InvalidValue_NamesTheField(string name, string osVersion, int diskSize, string field)
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            VmTemplate.Create(name, OsFamily.Linux, osVersion, 2, "ubuntu.vhdx", diskSize, null, null, Now));

        Assert.Equal(field, Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Create_UnknownOsFamily_NamesOsFamily()
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            VmTemplate.Create("Other", (OsFamily)7, "1", 2, "other.vhdx", 30, null, null, Now));

        Assert.Equal("OsFamily", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Create_EmptyDefaultHardwareProfileId_NamesTheField()
    {
        var ex = Assert.Throws<DomainValidationException>(() => NewTemplate(profileId: Guid.Empty));

        Assert.Equal("DefaultHardwareProfileId", Assert.Single(ex.Errors).Key);
    }
}
