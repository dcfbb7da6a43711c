namespace Portal.Core.Shielding.Catalogs;

/// <summary>A volume signature catalog was refused (malformed, or its signature does not verify).</summary>
public sealed class VolumeSignatureCatalogFormatException(ShieldingFormatError error, string message)
    : ShieldingFormatException(ShieldingFormat.VolumeSignatureCatalog, error, message);
