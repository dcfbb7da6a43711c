using Portal.Core.Gallery;
using Portal.Core.Shielding.Catalogs;
using Portal.Core.Shielding.Guardians;
using Portal.Core.Shielding.Qualifiers;

namespace Portal.Core.Shielding.DataFiles;

/// <summary>
/// The public, owner-signed facts of a validated shielding data file — everything the portal may store and show.
/// Holds no secret and no private key: only public keys, thumbprints, names and the policy.
/// </summary>
public sealed class ShieldingDataMetadata
{
    internal ShieldingDataMetadata(
        Guid fileId, DateTimeOffset createdAt, ShieldingPolicy policy, GuardianPublicKeys owner,
        IReadOnlyList<GuardianPublicKeys> guardians, IReadOnlyList<VolumeIdQualifier> qualifiers, int fileLength, string fileSha256)
    {
        FileId = fileId;
        CreatedAt = createdAt;
        Policy = policy;
        Owner = owner;
        Guardians = guardians;
        Qualifiers = qualifiers;
        FileLength = fileLength;
        FileSha256 = fileSha256;
    }

    /// <summary>Random id chosen when the file was made; two uploads of the same file share it.</summary>
    public Guid FileId { get; }

    public DateTimeOffset CreatedAt { get; }

    public ShieldingPolicy Policy { get; }

    /// <summary>The tenant's owner guardian, whose signing key signed the file.</summary>
    public GuardianPublicKeys Owner { get; }

    /// <summary>The fabrics' guardians allowed to open the file (never empty; the owner is not repeated here).</summary>
    public IReadOnlyList<GuardianPublicKeys> Guardians { get; }

    /// <summary>The template disks the file trusts (never empty).</summary>
    public IReadOnlyList<VolumeIdQualifier> Qualifiers { get; }

    public int FileLength { get; }

    /// <summary>Upper-case hex SHA-256 of the whole file, e.g. to spot duplicate uploads.</summary>
    public string FileSha256 { get; }

    /// <summary>
    /// True when this fabric's guardian (by signing or encryption key thumbprint) is among <see cref="Guardians"/>,
    /// i.e. a VM from this file can run here. The owner alone does not count.
    /// </summary>
    public bool IncludesGuardian(string thumbprint) => Guardians.Any(g => g.HasThumbprint(thumbprint));

    /// <inheritdoc cref="IncludesGuardian(string)"/>
    public bool IncludesGuardian(GuardianPublicKeys guardian)
    {
        ArgumentNullException.ThrowIfNull(guardian);
        return Guardians.Contains(guardian);
    }

    /// <summary>True when some qualifier matches the template's catalog (as the gallery stores it).</summary>
    public bool Trusts(VolumeSignatureCatalogInfo catalog) => Qualifiers.Any(q => q.Matches(catalog));

    /// <summary>True when some qualifier matches a verified catalog (what a host checks before using a disk).</summary>
    public bool Trusts(VolumeSignatureCatalog catalog) => Qualifiers.Any(q => q.Matches(catalog));

    /// <summary>The shielding-capable templates this file trusts, in the order given.</summary>
    public IReadOnlyList<VmTemplate> TrustedTemplates(IEnumerable<VmTemplate> templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        return templates.Where(t => t.IsShieldingCapable && t.Vsc is not null && Trusts(t.Vsc)).ToList();
    }
}
