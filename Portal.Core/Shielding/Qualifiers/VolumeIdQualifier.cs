using Portal.Core.Gallery;
using Portal.Core.Shielding.Binary;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.Guardians;

namespace Portal.Core.Shielding.Qualifiers;

/// <summary>
/// Which signed template disks a shielding data file trusts: a catalog name, the signer's key thumbprint, and a
/// version rule. Names compare exactly (ordinal), thumbprints ignoring hex case, versions as four parts.
/// </summary>
public sealed record VolumeIdQualifier
{
    private VolumeIdQualifier(string vscName, string signerThumbprint, VersionRule rule, Version version)
    {
        VscName = vscName;
        SignerThumbprint = signerThumbprint;
        Rule = rule;
        Version = version;
    }

    public string VscName { get; }

    /// <summary>Upper-case hex SHA-256 of the signer's public key.</summary>
    public string SignerThumbprint { get; }

    public VersionRule Rule { get; }

    /// <summary>Always four parts.</summary>
    public Version Version { get; }

    public static VolumeIdQualifier Create(string vscName, string signerThumbprint, VersionRule rule, Version version)
    {
        TextRules.Require(vscName, nameof(vscName), 1, VolumeSignatureCatalog.NameMaxLength);
        if (!Thumbprint.IsWellFormed(signerThumbprint))
        {
            throw new ArgumentException($"The signer thumbprint must be {Thumbprint.HexLength} hex characters.", nameof(signerThumbprint));
        }

        if (!Enum.IsDefined(rule))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown version rule.");
        }

        return new VolumeIdQualifier(vscName, signerThumbprint.ToUpperInvariant(), rule, CatalogVersion.Normalize(version));
    }

    /// <summary>A qualifier trusting this catalog's name and signer, from its version on (or exactly it).</summary>
    public static VolumeIdQualifier For(VolumeSignatureCatalog catalog, VersionRule rule)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Create(catalog.Name, catalog.SignerThumbprint, rule, catalog.Version);
    }

    /// <summary>Parses a rule as written on command lines and in the API: "Equals" or "GreaterThanOrEquals" (any case).</summary>
    public static VersionRule? ParseRule(string? text) =>
        Enum.TryParse<VersionRule>(text, ignoreCase: true, out var rule) && Enum.IsDefined(rule) && !int.TryParse(text, out _)
            ? rule
            : null;

    /// <summary>True when the (already verified) catalog has this name and signer and its version passes the rule.</summary>
    public bool Matches(VolumeSignatureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Matches(catalog.Name, catalog.SignerThumbprint, catalog.Version);
    }

    /// <summary>
    /// Same test against the gallery's stored facts of a template; <see cref="VolumeSignatureCatalogInfo.Signer"/> must
    /// hold the signer thumbprint (as <see cref="VolumeSignatureCatalog.ToInfo"/> writes it).
    /// </summary>
    public bool Matches(VolumeSignatureCatalogInfo catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Matches(catalog.VscName, catalog.Signer, catalog.GetVersion());
    }

    public override string ToString() => $"\"{VscName}\" {RuleText(Rule)} {Version}, signer {SignerThumbprint}";

    /// <summary>"=" or "&gt;=", for short displays.</summary>
    public static string RuleText(VersionRule rule) => rule switch
    {
        VersionRule.Equals => "=",
        VersionRule.GreaterThanOrEquals => ">=",
    };

    internal void WriteTo(FormatWriter writer)
    {
        writer.WriteString(VscName);
        writer.WriteFixed(Convert.FromHexString(SignerThumbprint));
        writer.WriteByte((byte)Rule);
        writer.WriteVersion(Version);
    }

    internal static VolumeIdQualifier ReadFrom(ref FormatReader reader, string field)
    {
        var name = reader.ReadString($"{field} catalog name", 1, VolumeSignatureCatalog.NameMaxLength);
        var thumbprint = Convert.ToHexString(reader.ReadFixed(Thumbprint.ByteLength, $"{field} signer thumbprint"));
        var rule = reader.ReadByte($"{field} version rule");
        if (!Enum.IsDefined((VersionRule)rule))
        {
            throw reader.Fail(ShieldingFormatError.Malformed, $"{field} version rule {rule} is not known (1 = Equals, 2 = GreaterThanOrEquals).");
        }

        return new VolumeIdQualifier(name, thumbprint, (VersionRule)rule, reader.ReadVersion($"{field} version"));
    }

    private bool Matches(string name, string signerThumbprint, Version version)
    {
        if (!string.Equals(name, VscName, StringComparison.Ordinal) || !Thumbprint.AreEqual(signerThumbprint, SignerThumbprint))
        {
            return false;
        }

        var normalized = CatalogVersion.Normalize(version);
        return Rule switch
        {
            VersionRule.Equals => normalized == Version,
            VersionRule.GreaterThanOrEquals => normalized >= Version,
        };
    }
}
