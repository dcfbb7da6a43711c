using Portal.Core.Common;
using Portal.Core.Shielding.Catalogs;

namespace Portal.Core.Gallery;

/// <summary>A gallery item tenants create VMs from: an OS on a template disk, optionally signed for shielding.</summary>
public sealed class VmTemplate : IVersioned
{
    public const int NameMaxLength = 100;
    public const int DescriptionMaxLength = 1000;
    public const int OsVersionMaxLength = 100;
    public const int DiskFileNameMaxLength = 255;
    public const int MaxDiskSizeGiB = 65536;

    private static readonly char[] ForbiddenFileNameChars = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

    private VmTemplate()
    {
    }

    public Guid Id { get; private set; }

    public long Version { get; private set; }

    public string Name { get; private set; } = "";

    public string Description { get; private set; } = "";

    public OsFamily OsFamily { get; private set; }

    public string OsVersion { get; private set; } = "";

    /// <summary>Hyper-V VM generation: 1 (BIOS) or 2 (UEFI); only generation 2 can be shielded.</summary>
    public int Generation { get; private set; }

    public string DiskFileName { get; private set; } = "";

    public int DiskSizeGiB { get; private set; }

    public Guid? DefaultHardwareProfileId { get; private set; }

    public VolumeSignatureCatalogInfo? Vsc { get; private set; }

    /// <summary>
    /// The signed catalog file as uploaded and verified, which tenants download to trust this disk. Null for catalogs
    /// whose facts were typed in before uploads were required; tenants cannot download those.
    /// </summary>
    public byte[]? VscFile { get; private set; }

    /// <summary>Upper-case hex SHA-384 of the template's disk file in the library; null until a disk is uploaded.</summary>
    public string? DiskSha384 { get; private set; }

    /// <summary>Length in bytes of the library disk file (not the disk's virtual size, <see cref="DiskSizeGiB"/>).</summary>
    public long? DiskFileBytes { get; private set; }

    public bool HasDisk => DiskSha384 is not null;

    public bool IsActive { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? RetiredAt { get; private set; }

    /// <summary>Only with the signed catalog file itself, which the portal verified when it was uploaded.</summary>
    public bool IsShieldingCapable => Vsc is not null && VscFile is not null && Generation == 2;

    public static VmTemplate Create(
        string name,
        OsFamily osFamily,
        string osVersion,
        int generation,
        string diskFileName,
        int diskSizeGiB,
        Guid? defaultHardwareProfileId,
        string? description,
        DateTimeOffset now)
    {
        var template = new VmTemplate
        {
            Id = Guid.CreateVersion7(now),
            Generation = ValidateGeneration(generation),
            DiskFileName = ValidateFileName(diskFileName),
            DiskSizeGiB = Guard.Range(diskSizeGiB, nameof(DiskSizeGiB), 1, MaxDiskSizeGiB),
            IsActive = true,
            CreatedAt = now,
        };
        template.Update(name, osFamily, osVersion, defaultHardwareProfileId, description);
        return template;
    }

    public void Update(string name, OsFamily osFamily, string osVersion, Guid? defaultHardwareProfileId, string? description)
    {
        if (!Enum.IsDefined(osFamily))
        {
            throw DomainValidationException.For(nameof(OsFamily), $"{nameof(OsFamily)} must be Windows or Linux.");
        }

        if (defaultHardwareProfileId == Guid.Empty)
        {
            throw DomainValidationException.For(nameof(DefaultHardwareProfileId),
                $"{nameof(DefaultHardwareProfileId)} must name a hardware profile or be left empty.");
        }

        Name = Guard.Text(name, nameof(Name), 1, NameMaxLength);
        OsFamily = osFamily;
        OsVersion = Guard.Text(osVersion, nameof(OsVersion), 1, OsVersionMaxLength);
        DefaultHardwareProfileId = defaultHardwareProfileId;
        Description = Guard.Text(description, nameof(Description), 0, DescriptionMaxLength);
    }

    /// <summary>
    /// Records the library disk file (content-addressed by its SHA-384). A template with a catalog keeps only the disk
    /// that catalog signs: hosts check the disk against it, so another disk would make every shielded VM fail.
    /// </summary>
    public void AttachDisk(string sha384, long sizeBytes)
    {
        var hash = TemplateDiskHash.Normalize(sha384);
        if (sizeBytes <= 0)
        {
            throw DomainValidationException.For(nameof(DiskFileBytes), "The template disk is empty.");
        }

        if (Vsc is { } vsc && !string.Equals(vsc.DiskHash, hash, StringComparison.Ordinal))
        {
            throw new StateConflictException(
                $"Template '{Name}' has a catalog signing disk {TemplateDiskHash.Short(vsc.DiskHash)}, but this disk is "
                + $"{TemplateDiskHash.Short(hash)}. Remove the catalog first, or upload the disk the catalog signs.");
        }

        DiskSha384 = hash;
        DiskFileBytes = sizeBytes;
    }

    /// <summary>
    /// Makes the template shielding-capable with a verified catalog (see <see cref="VolumeSignatureCatalog.ReadAsync"/>):
    /// keeps its facts and the signed file itself. Only a generation 2 template whose disk the catalog names can take it.
    /// </summary>
    public void AttachCatalog(VolumeSignatureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (Generation != 2)
        {
            throw DomainValidationException.For(nameof(Generation),
                $"Template '{Name}' is generation {Generation}; only generation 2 templates can be shielded.");
        }

        if (!string.Equals(catalog.DiskFileName, DiskFileName, StringComparison.OrdinalIgnoreCase))
        {
            throw DomainValidationException.For(nameof(DiskFileName),
                $"The catalog signs the disk '{catalog.DiskFileName}', but template '{Name}' uses '{DiskFileName}'.");
        }

        if (DiskSha384 is null)
        {
            throw DomainValidationException.For(nameof(DiskSha384),
                $"Template '{Name}' has no disk in the library yet: upload the template disk first, then its catalog.");
        }

        if (!string.Equals(catalog.DiskHashHex, DiskSha384, StringComparison.Ordinal) || catalog.DiskSize != DiskFileBytes)
        {
            throw DomainValidationException.For(nameof(DiskSha384),
                $"The catalog signs disk {TemplateDiskHash.Short(catalog.DiskHashHex)} ({catalog.DiskSize} bytes), but template "
                + $"'{Name}' has library disk {TemplateDiskHash.Short(DiskSha384)} ({DiskFileBytes} bytes): sign the disk that was uploaded.");
        }

        Vsc = catalog.ToInfo();
        VscFile = catalog.ToArray();
    }

    public void RemoveCatalog()
    {
        if (Vsc is null)
        {
            throw new StateConflictException($"Template '{Name}' has no volume signature catalog to remove.");
        }

        Vsc = null;
        VscFile = null;
    }

    /// <summary>Hides the template from new VMs; existing VMs keep running.</summary>
    public void Retire(DateTimeOffset now)
    {
        if (!IsActive)
        {
            throw new StateConflictException($"Template '{Name}' is already retired.");
        }

        IsActive = false;
        RetiredAt = now;
    }

    public void Reactivate()
    {
        if (IsActive)
        {
            throw new StateConflictException($"Template '{Name}' is already active.");
        }

        IsActive = true;
        RetiredAt = null;
    }

    private static int ValidateGeneration(int generation) =>
        generation is 1 or 2
            ? generation
            : throw DomainValidationException.For(nameof(Generation), $"{nameof(Generation)} must be 1 or 2.");

    private static string ValidateFileName(string? value)
    {
        var name = Guard.Text(value, nameof(DiskFileName), 1, DiskFileNameMaxLength);
        if (name is "." or ".." || name.IndexOfAny(ForbiddenFileNameChars) >= 0 || name.Any(char.IsControl))
        {
            throw DomainValidationException.For(nameof(DiskFileName),
                $"{nameof(DiskFileName)} must be a plain file name such as ws2025.vhdx, without folders.");
        }

        return name;
    }
}
