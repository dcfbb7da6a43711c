using Portal.Web.Features.ShieldingData;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>
/// Whether a shielding data file can specialise a shielded VM from a template here, read from the file's public
/// metadata (its qualifiers' matches and its guardians, as the service computed them with the Core rules).
/// </summary>
public static class ShieldingDataFit
{
    /// <summary>Why the file does not fit, in words; null when it fits.</summary>
    public static string? Problem(ShieldingDataDto file, Guid templateId)
    {
        ArgumentNullException.ThrowIfNull(file);
        var reasons = new List<string>(2);
        if (!file.TrustedTemplates.Any(t => t.Id == templateId))
        {
            reasons.Add("does not trust this template");
        }

        if (!file.IncludesThisFabric)
        {
            reasons.Add("does not list this fabric's guardian");
        }

        return reasons.Count == 0 ? null : $"This file {string.Join(" and ", reasons)}.";
    }
}
