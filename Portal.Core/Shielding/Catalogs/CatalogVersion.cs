namespace Portal.Core.Shielding.Catalogs;

/// <summary>Catalog versions are always four parts: "1.2" and "1.2.0.0" are the same version.</summary>
public static class CatalogVersion
{
    public static Version Normalize(Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new Version(version.Major, version.Minor, Math.Max(version.Build, 0), Math.Max(version.Revision, 0));
    }

    /// <summary>Parses "1.0" / "1.0.0.0" (at least two parts); null when the text is not a version.</summary>
    public static Version? TryParse(string? text) =>
        Version.TryParse(text, out var version) ? Normalize(version) : null;
}
