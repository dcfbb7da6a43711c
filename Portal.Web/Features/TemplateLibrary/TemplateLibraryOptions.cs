using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.TemplateLibrary;

/// <summary>The <c>Library</c> section: where template disks live and how large one may be.</summary>
public sealed class TemplateLibraryOptions
{
    public const string SectionName = "Library";

    public const long DefaultMaxDiskBytes = 64L * 1024 * 1024 * 1024;

    /// <summary>Where disks are stored as <c>{SHA-384}.disk</c>. Empty means <c>{Portal:DataFolder}/library</c>.</summary>
    public string? Folder { get; set; }

    /// <summary>A larger upload is refused with 413 while it streams, and nothing of it is kept.</summary>
    [Range(1, long.MaxValue)]
    public long MaxDiskBytes { get; set; } = DefaultMaxDiskBytes;

    /// <summary>
    /// Optional folder of disk files the provider already has: at start, each template without a library disk whose
    /// <c>DiskFileName</c> is a file here gets that file (copied into the library, hashed while copying).
    /// </summary>
    public string? ImportFolder { get; set; }
}
