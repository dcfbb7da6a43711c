using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.ShieldingData;
using Portal.Core.Tests.Shielding;
using Portal.Core.VirtualMachines;

namespace Portal.Core.Tests.VirtualMachines;

public class VmRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static HardwareProfile NewSize() => HardwareProfile.Create("Standard_A2", 2, 4, 64, null, Now);

    private static VmTemplate NewTemplate(bool signed)
    {
        var template = VmTemplate.Create(
            "Windows Server 2025 Datacenter", OsFamily.Windows, "2025", 2, "ws2025.vhdx", 127, null, null, Now);
        if (signed)
        {
            template.AttachDisk(TestGuardians.DiskSha384, TestGuardians.DiskBytes.Length);
            template.AttachCatalog(TestGuardians.Catalog);
        }

        return template;
    }

    private static Plan PlanOffering(VmTemplate? template, HardwareProfile? size, bool allowShielded = true)
    {
        var plan = Plan.Create("Gold", null, QuotaLimits.Unlimited, allowShielded, null, null, Now);
        plan.SetOfferings(template is null ? [] : [template.Id], size is null ? [] : [size.Id]);
        return plan;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EnsureAllowed_OfferedTemplateAndSize_Passes(bool shielded)
    {
        var (template, size) = (NewTemplate(signed: true), NewSize());

        Assert.Null(Record.Exception(() =>
            VmRules.EnsureAllowed(PlanOffering(template, size), template, size, shielded)));
    }

    [Fact]
    public void EnsureAllowed_UnsignedTemplateNotShielded_Passes()
    {
        var (template, size) = (NewTemplate(signed: false), NewSize());

        Assert.Null(Record.Exception(() =>
            VmRules.EnsureAllowed(PlanOffering(template, size, allowShielded: false), template, size, shielded: false)));
    }

    [Fact]
    public void EnsureAllowed_MissingTemplate_IsRefusedNamingTemplateId()
    {
        var size = NewSize();

        var ex = Assert.Throws<DomainValidationException>(() =>
            VmRules.EnsureAllowed(PlanOffering(null, size), null, size, shielded: false));

        AssertSingleError(ex, "TemplateId", "Your plan does not offer this template.");
    }

    [Fact]
    public void EnsureAllowed_TemplateNotOfferedByPlan_IsRefusedNamingTemplateId()
    {
        var (template, size) = (NewTemplate(signed: false), NewSize());

        var ex = Assert.Throws<DomainValidationException>(() =>
            VmRules.EnsureAllowed(PlanOffering(null, size), template, size, shielded: false));

        AssertSingleError(ex, "TemplateId", "Your plan does not offer this template.");
    }

    [Fact]
    public void EnsureAllowed_RetiredTemplate_IsRefusedNamingTemplateId()
    {
        var (template, size) = (NewTemplate(signed: false), NewSize());
        var plan = PlanOffering(template, size);
        template.Retire(Now);

        var ex = Assert.Throws<DomainValidationException>(() =>
            VmRules.EnsureAllowed(plan, template, size, shielded: false));

        AssertSingleError(ex, "TemplateId", "Your plan does not offer this template.");
    }

    [Fact]
    public void EnsureAllowed_MissingSize_IsRefusedNamingHardwareProfileId()
    {
        var template = NewTemplate(signed: false);

        var ex = Assert.Throws<DomainValidationException>(() =>
            VmRules.EnsureAllowed(PlanOffering(template, null), template, null, shielded: false));

        AssertSingleError(ex, "HardwareProfileId", "Your plan does not offer this size.");
    }

    [Fact]
    public void EnsureAllowed_SizeNotOfferedByPlan_IsRefusedNamingHardwareProfileId()
    {
        var (template, size) = (NewTemplate(signed: false), NewSize());

        var ex = Assert.Throws<DomainValidationException>(() =>
            VmRules.EnsureAllowed(PlanOffering(template, null), template, size, shielded: false));

        AssertSingleError(ex, "HardwareProfileId", "Your plan does not offer this size.");
    }

    [Fact]
    public void EnsureAllowed_ShieldedOnPlanWithoutShielding_IsRefusedNamingThePlan()
    {
        var (template, size) = (NewTemplate(signed: true), NewSize());

        var ex = Assert.Throws<DomainValidationException>(() =>
            VmRules.EnsureAllowed(PlanOffering(template, size, allowShielded: false), template, size, shielded: true));

        AssertSingleError(ex, "Shielded", "Plan 'Gold' does not allow shielded VMs.");
    }

    [Fact]
    public void EnsureShieldingDataFits_TrustedFileNamingThisFabric_Passes()
    {
        Assert.Null(Record.Exception(() => VmRules.EnsureShieldingDataFits(
            true, Stored(), NewTemplate(signed: true), TestGuardians.Fabric.PublicKeys.EncryptionThumbprint)));
    }

    [Fact]
    public void EnsureShieldingDataFits_ShieldedWithoutAFile_IsRefused()
    {
        var ex = Assert.Throws<DomainValidationException>(() => VmRules.EnsureShieldingDataFits(
            true, null, NewTemplate(signed: true), TestGuardians.Fabric.PublicKeys.EncryptionThumbprint));

        AssertSingleError(ex, "ShieldingDataId", "A shielded VM needs one of your shielding data files: choose one.");
    }

    [Fact]
    public void EnsureShieldingDataFits_RegularVmWithAFile_IsRefused()
    {
        Assert.Throws<DomainValidationException>(() => VmRules.EnsureShieldingDataFits(
            false, Stored(), NewTemplate(signed: true), TestGuardians.Fabric.PublicKeys.EncryptionThumbprint));
    }

    [Fact]
    public void EnsureShieldingDataFits_FileThatDoesNotTrustTheTemplate_NamesTheReason()
    {
        var other = VmTemplate.Create("Other", OsFamily.Windows, "2025", 2, "ws2025.vhdx", 127, null, null, Now);
        other.AttachDisk(TestGuardians.DiskSha384, TestGuardians.DiskBytes.Length);
        other.AttachCatalog(TestGuardians.SignCatalog(TestGuardians.DiskBytes, "Another-Disk", new Version(1, 0)));

        var ex = Assert.Throws<DomainValidationException>(() => VmRules.EnsureShieldingDataFits(
            true, Stored(), other, TestGuardians.Fabric.PublicKeys.EncryptionThumbprint));

        Assert.Contains("does not trust template 'Other'", ex.Errors["ShieldingDataId"][0]);
        Assert.Contains("\"Another-Disk\" 1.0.0.0", ex.Errors["ShieldingDataId"][0]);
    }

    [Fact]
    public void EnsureShieldingDataFits_FileWithoutThisFabricsGuardian_IsRefused()
    {
        var ex = Assert.Throws<DomainValidationException>(() => VmRules.EnsureShieldingDataFits(
            true, Stored(), NewTemplate(signed: true), TestGuardians.Stranger.PublicKeys.EncryptionThumbprint));

        Assert.Contains("does not list this fabric's guardian", ex.Errors["ShieldingDataId"][0]);
    }

    [Fact]
    public void EnsureShieldingDataFits_FabricGuardianUnknown_IsAConflict()
    {
        Assert.Throws<StateConflictException>(() => VmRules.EnsureShieldingDataFits(true, Stored(), NewTemplate(signed: true), null));
    }

    private static StoredShieldingData Stored() => StoredShieldingData.Create(
        Guid.NewGuid(), "web", null, ShieldingDataFile.Read(TestGuardians.ValidPdk), null, "tenant", Now);

    [Fact]
    public void EnsureAllowed_ShieldedFromUnsignedTemplate_IsRefusedNamingShielded()
    {
        var (template, size) = (NewTemplate(signed: false), NewSize());

        var ex = Assert.Throws<DomainValidationException>(() =>
            VmRules.EnsureAllowed(PlanOffering(template, size), template, size, shielded: true));

        AssertSingleError(ex, "Shielded",
            "Template 'Windows Server 2025 Datacenter' has no signed template disk, so it cannot create a shielded VM.");
    }

    private static void AssertSingleError(DomainValidationException ex, string field, string message)
    {
        var error = Assert.Single(ex.Errors);
        Assert.Equal(field, error.Key);
        Assert.Equal(message, Assert.Single(error.Value));
    }
}
