namespace Portal.Core.Shielding;

/// <summary>The file formats of shielding; each names itself in error messages so a person knows which file is wrong.</summary>
public enum ShieldingFormat
{
    GuardianMetadata,
    GuardianPrivateKey,
    VolumeSignatureCatalog,
    ShieldingData,
    KeyProtector,
}
