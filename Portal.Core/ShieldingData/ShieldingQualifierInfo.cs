using Portal.Core.Shielding.Qualifiers;

namespace Portal.Core.ShieldingData;

/// <summary>A volume ID qualifier of a stored shielding data file: which signed template disks it trusts.</summary>
public sealed record ShieldingQualifierInfo(string VscName, string SignerThumbprint, VersionRule Rule, string Version)
{
    public static ShieldingQualifierInfo From(VolumeIdQualifier qualifier)
    {
        ArgumentNullException.ThrowIfNull(qualifier);
        return new(qualifier.VscName, qualifier.SignerThumbprint, qualifier.Rule, qualifier.Version.ToString());
    }

    /// <summary>Back to the rule the format defines, so matching a template uses the one implementation.</summary>
    public VolumeIdQualifier ToQualifier() =>
        VolumeIdQualifier.Create(VscName, SignerThumbprint, Rule, System.Version.Parse(Version));

    /// <summary>e.g. <c>"WS2025-DC" &gt;= 10.0.26100.1</c>.</summary>
    public override string ToString() => $"\"{VscName}\" {VolumeIdQualifier.RuleText(Rule)} {Version}";
}
