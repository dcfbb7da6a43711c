using Portal.Core.Gallery;

namespace Portal.Web.Features.Gallery;

public sealed record VscDto(string VscName, string VscVersion, string Signer, string DiskHash);

public sealed record TemplateDto(
    Guid Id, string Name, string Description, OsFamily OsFamily, string OsVersion, int Generation,
    string DiskFileName, int DiskSizeGiB, Guid? DefaultHardwareProfileId, VscDto? Vsc, bool IsShieldingCapable,
    bool IsActive, DateTimeOffset CreatedAt);

public sealed record HardwareProfileDto(Guid Id, string Name, string Description, int Vcpus, int MemoryGiB, int DiskGiB);

public sealed record VscRequest(string? VscName, string? VscVersion, string? Signer, string? DiskHash);

/// <summary>Generation, disk file and size are fixed once created (they describe an existing disk file).</summary>
public sealed record TemplateRequest(
    string? Name, OsFamily OsFamily, string? OsVersion, int Generation, string? DiskFileName, int DiskSizeGiB,
    Guid? DefaultHardwareProfileId, string? Description, VscRequest? Vsc);

public sealed record HardwareProfileRequest(string? Name, int Vcpus, int MemoryGiB, int DiskGiB, string? Description);

internal static class GalleryMapping
{
    public static TemplateDto ToDto(this VmTemplate t) => new(
        t.Id, t.Name, t.Description, t.OsFamily, t.OsVersion, t.Generation, t.DiskFileName, t.DiskSizeGiB,
        t.DefaultHardwareProfileId,
        t.Vsc is { } v ? new VscDto(v.VscName, v.VscVersion, v.Signer, v.DiskHash) : null,
        t.IsShieldingCapable, t.IsActive, t.CreatedAt);

    public static HardwareProfileDto ToDto(this HardwareProfile p) =>
        new(p.Id, p.Name, p.Description, p.Vcpus, p.MemoryGiB, p.DiskGiB);

    public static VolumeSignatureCatalogInfo? ToCatalog(this VscRequest? vsc) =>
        vsc is null || (vsc.VscName is null && vsc.VscVersion is null && vsc.Signer is null && vsc.DiskHash is null)
            ? null
            : VolumeSignatureCatalogInfo.Create(vsc.VscName ?? "", vsc.VscVersion ?? "", vsc.Signer ?? "", vsc.DiskHash ?? "");
}
