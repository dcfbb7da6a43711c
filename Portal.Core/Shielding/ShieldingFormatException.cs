using Portal.Core.Common;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.KeyProtectors;

namespace Portal.Core.Shielding;

/// <summary>
/// A shielding file (guardian metadata or key, catalog, shielding data, key protector) was refused. The message is one
/// line a person can act on and never contains secret material; <see cref="Error"/> is the stable reason code.
/// The web layer answers 400 with the message.
/// </summary>
public abstract class ShieldingFormatException(ShieldingFormat format, ShieldingFormatError error, string message)
    : DomainException(message)
{
    public ShieldingFormat Format { get; } = format;

    public ShieldingFormatError Error { get; } = error;

    internal static ShieldingFormatException Create(ShieldingFormat format, ShieldingFormatError error, string detail) =>
        format switch
        {
            ShieldingFormat.GuardianMetadata or ShieldingFormat.GuardianPrivateKey =>
                new GuardianFormatException(format, error, $"{Describe(format)}: {detail}"),
            ShieldingFormat.VolumeSignatureCatalog => new VolumeSignatureCatalogFormatException(error, $"{Describe(format)}: {detail}"),
            ShieldingFormat.ShieldingData => new ShieldingDataFormatException(error, $"{Describe(format)}: {detail}"),
            ShieldingFormat.KeyProtector => new KeyProtectorFormatException(error, $"{Describe(format)}: {detail}"),
        };

    /// <summary>The words used for a format in messages, e.g. "Shielding data file".</summary>
    public static string Describe(ShieldingFormat format) => format switch
    {
        ShieldingFormat.GuardianMetadata => "Guardian metadata",
        ShieldingFormat.GuardianPrivateKey => "Guardian key file",
        ShieldingFormat.VolumeSignatureCatalog => "Volume signature catalog",
        ShieldingFormat.ShieldingData => "Shielding data file",
        ShieldingFormat.KeyProtector => "Key protector",
    };
}
