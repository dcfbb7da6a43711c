using System.Diagnostics.CodeAnalysis;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Plans;
using Portal.Core.ShieldingData;

namespace Portal.Core.VirtualMachines;

/// <summary>What a subscription's plan lets a tenant create: the template, the size and whether it may be shielded.</summary>
public static class VmRules
{
    /// <summary>
    /// Refuses a template or size the plan does not offer (a missing or retired one reads the same), a shielded VM
    /// on a plan that does not allow them, and a shielded VM from a template without a signed template disk.
    /// </summary>
    public static void EnsureAllowed(
        Plan plan, [NotNull] VmTemplate? template, [NotNull] HardwareProfile? size, bool shielded)
    {
        ArgumentNullException.ThrowIfNull(plan);

        if (template is null || !template.IsActive || !plan.OffersTemplate(template.Id))
        {
            throw DomainValidationException.For("TemplateId", "Your plan does not offer this template.");
        }

        if (size is null || !plan.OffersHardwareProfile(size.Id))
        {
            throw DomainValidationException.For("HardwareProfileId", "Your plan does not offer this size.");
        }

        if (shielded && !plan.AllowShieldedVms)
        {
            throw DomainValidationException.For("Shielded", $"Plan '{plan.Name}' does not allow shielded VMs.");
        }

        if (shielded && !template.IsShieldingCapable)
        {
            throw DomainValidationException.For("Shielded",
                $"Template '{template.Name}' has no signed template disk, so it cannot create a shielded VM.");
        }
    }

    /// <summary>
    /// A shielded VM needs the tenant's shielding data, and that file must trust the template's signed disk (a volume
    /// ID qualifier matches its catalog) and name this fabric's guardian — otherwise no host here could ever open it.
    /// A regular VM takes none. Each refusal says which part does not fit.
    /// </summary>
    public static void EnsureShieldingDataFits(
        bool shielded, StoredShieldingData? shieldingData, VmTemplate template, string? fabricGuardianThumbprint)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!shielded)
        {
            if (shieldingData is not null)
            {
                throw DomainValidationException.For("ShieldingDataId", "Only a shielded VM is specialised from shielding data.");
            }

            return;
        }

        if (shieldingData is null)
        {
            throw DomainValidationException.For("ShieldingDataId", "A shielded VM needs one of your shielding data files: choose one.");
        }

        if (template.Vsc is not { } vsc || shieldingData.TrustedTemplates([template]).Count == 0)
        {
            var signed = template.Vsc is { } v ? $"its disk is signed as \"{v.VscName}\" {v.VscVersion}" : "its disk is not signed";
            throw DomainValidationException.For("ShieldingDataId",
                $"Shielding data '{shieldingData.FriendlyName}' does not trust template '{template.Name}': {signed}, "
                + "and none of the file's volume ID qualifiers matches that name, signer and version.");
        }

        if (fabricGuardianThumbprint is null)
        {
            throw new StateConflictException("This fabric's guardian cannot be read right now, so shielded VMs cannot be created; try again shortly.");
        }

        if (!shieldingData.IncludesGuardian(fabricGuardianThumbprint))
        {
            throw DomainValidationException.For("ShieldingDataId",
                $"Shielding data '{shieldingData.FriendlyName}' does not list this fabric's guardian, so no host here could open it. "
                + "Download the fabric's guardian and make the file again with it.");
        }
    }
}
