using System.Diagnostics.CodeAnalysis;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Plans;

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
            throw new StateConflictException($"Plan '{plan.Name}' does not allow shielded VMs.");
        }

        if (shielded && !template.IsShieldingCapable)
        {
            throw DomainValidationException.For("Shielded",
                $"Template '{template.Name}' has no signed template disk, so it cannot create a shielded VM.");
        }
    }
}
