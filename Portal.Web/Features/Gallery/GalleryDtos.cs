using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Web.Infrastructure.Concurrency;

namespace Portal.Web.Features.Gallery;

public sealed record VscDto(string VscName, string VscVersion, string Signer, string DiskHash);

public sealed record TemplateDto(
    Guid Id, string Name, string Description, OsFamily OsFamily, string OsVersion, int Generation,
    string DiskFileName, int DiskSizeGiB, Guid? DefaultHardwareProfileId, VscDto? Vsc, bool IsShieldingCapable,
    bool IsActive, DateTimeOffset CreatedAt, string? DiskSha384 = null, long? DiskFileBytes = null, long Version = 0) : IVersionedResource;

public sealed record HardwareProfileDto(
    Guid Id, string Name, string Description, int Vcpus, int MemoryGiB, int DiskGiB, long Version = 0) : IVersionedResource;

/// <summary>
/// Generation, disk file and size are fixed once created (they describe an existing disk file). A template's volume
/// signature catalog is not part of it: it changes only through the verified upload, <c>POST /api/admin/v1/templates/{id}/vsc</c>.
/// </summary>
public sealed record TemplateRequest(
    string? Name, OsFamily OsFamily, string? OsVersion, int Generation, string? DiskFileName, int DiskSizeGiB,
    Guid? DefaultHardwareProfileId, string? Description)
{
    /// <summary>Properties the request does not define; kept only so a typed-in catalog (<c>vsc</c>) is refused rather than silently dropped.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? OtherProperties { get; init; }

    /// <summary>Refuses a request that tries to type in catalog facts, which nobody verified.</summary>
    public void EnsureNoTypedCatalog()
    {
        if (OtherProperties?.Keys.Any(k => string.Equals(k, "vsc", StringComparison.OrdinalIgnoreCase)) == true)
        {
            throw DomainValidationException.For("Vsc",
                "A template's volume signature catalog cannot be typed in. Sign the disk with 'tenantportal vsc sign' and upload "
                + "the .vsc to POST /api/admin/v1/templates/{id}/vsc (or the template's Catalog page), where its signature is verified.");
        }
    }
}

public sealed record HardwareProfileRequest(string? Name, int Vcpus, int MemoryGiB, int DiskGiB, string? Description);

internal static class GalleryMapping
{
    public static TemplateDto ToDto(this VmTemplate t) => new(
        t.Id, t.Name, t.Description, t.OsFamily, t.OsVersion, t.Generation, t.DiskFileName, t.DiskSizeGiB,
        t.DefaultHardwareProfileId,
        t.Vsc is { } v ? new VscDto(v.VscName, v.VscVersion, v.Signer, v.DiskHash) : null,
        t.IsShieldingCapable, t.IsActive, t.CreatedAt, t.DiskSha384, t.DiskFileBytes, t.Version);

    public static HardwareProfileDto ToDto(this HardwareProfile p) =>
        new(p.Id, p.Name, p.Description, p.Vcpus, p.MemoryGiB, p.DiskGiB, p.Version);
}
