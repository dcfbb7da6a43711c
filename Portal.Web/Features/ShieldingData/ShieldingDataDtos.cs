using Portal.Core.Shielding.DataFiles;
using Portal.Core.Shielding.Qualifiers;

namespace Portal.Web.Features.ShieldingData;

/// <summary>A guardian named by a shielding data file; <see cref="IsThisFabric"/> when it is this fabric's guardian.</summary>
public sealed record ShieldingGuardianDto(string Name, string SigningThumbprint, string EncryptionThumbprint, bool IsThisFabric);

public sealed record ShieldingQualifierDto(string VscName, string SignerThumbprint, VersionRule Rule, string Version, string Display);

public sealed record TrustedTemplateDto(Guid Id, string Name);

/// <summary>The public metadata of an uploaded shielding data file; never any of its sealed secrets.</summary>
public sealed record ShieldingDataDto(
    Guid Id,
    string FriendlyName,
    string Description,
    ShieldingPolicy Policy,
    Guid FileId,
    DateTimeOffset FileCreatedAt,
    ShieldingGuardianDto Owner,
    IReadOnlyList<ShieldingGuardianDto> Guardians,
    bool IncludesThisFabric,
    IReadOnlyList<ShieldingQualifierDto> Qualifiers,
    IReadOnlyList<TrustedTemplateDto> TrustedTemplates,
    int FileLength,
    string FileSha256,
    DateTimeOffset UploadedAt,
    string UploadedBy);

/// <summary>This fabric's guardian, public part only.</summary>
public sealed record FabricGuardianDto(string Name, string SigningThumbprint, string EncryptionThumbprint);

/// <summary>A template tenants can download a catalog for.</summary>
public sealed record ShieldingTemplateDto(Guid Id, string Name, string VscName, string VscVersion, string Signer);
