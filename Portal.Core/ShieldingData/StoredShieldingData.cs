using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Shielding.DataFiles;

namespace Portal.Core.ShieldingData;

/// <summary>
/// A tenant's uploaded shielding data file as the portal keeps it: the bytes exactly as sent (sealed; the portal has no
/// key to open them) plus the owner-signed public metadata read from them, for listing and placement.
/// </summary>
public sealed class StoredShieldingData
{
    public const int FriendlyNameMaxLength = 100;
    public const int DescriptionMaxLength = 1000;

    private StoredShieldingData()
    {
    }

    public Guid Id { get; private set; }

    public Guid TenantId { get; private set; }

    public string FriendlyName { get; private set; } = "";

    public string Description { get; private set; } = "";

    /// <summary>The file exactly as uploaded. Sealed: without a listed guardian's private key it reveals no secret.</summary>
    public byte[] Content { get; private set; } = [];

    /// <summary>The id chosen when the file was made (two uploads of one file share it).</summary>
    public Guid FileId { get; private set; }

    public DateTimeOffset FileCreatedAt { get; private set; }

    public ShieldingPolicy Policy { get; private set; }

    public ShieldingGuardianInfo Owner { get; private set; } = null!;

    public IReadOnlyList<ShieldingGuardianInfo> Guardians { get; private set; } = [];

    public IReadOnlyList<ShieldingQualifierInfo> Qualifiers { get; private set; } = [];

    public int FileLength { get; private set; }

    /// <summary>Upper-case hex SHA-256 of <see cref="Content"/>.</summary>
    public string FileSha256 { get; private set; } = "";

    public DateTimeOffset UploadedAt { get; private set; }

    public Guid? UploadedById { get; private set; }

    public string UploadedByName { get; private set; } = "";

    /// <summary>Keeps a validated file (see <see cref="ShieldingDataFile.ReadAsync"/>) for a tenant under a name of their choice.</summary>
    public static StoredShieldingData Create(
        Guid tenantId, string friendlyName, string? description, ShieldingDataFile file, Guid? uploadedById,
        string uploadedByName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(file);
        var metadata = file.Metadata;
        return new StoredShieldingData
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenantId,
            FriendlyName = ValidateFriendlyName(friendlyName),
            Description = Guard.Text(description, nameof(Description), 0, DescriptionMaxLength),
            Content = file.ToArray(),
            FileId = metadata.FileId,
            FileCreatedAt = metadata.CreatedAt,
            Policy = metadata.Policy,
            Owner = ShieldingGuardianInfo.From(metadata.Owner),
            Guardians = [.. metadata.Guardians.Select(ShieldingGuardianInfo.From)],
            Qualifiers = [.. metadata.Qualifiers.Select(ShieldingQualifierInfo.From)],
            FileLength = metadata.FileLength,
            FileSha256 = metadata.FileSha256,
            UploadedAt = now,
            UploadedById = uploadedById,
            UploadedByName = uploadedByName,
        };
    }

    /// <summary>Trimmed, 1 to <see cref="FriendlyNameMaxLength"/> characters; uniqueness per tenant is the caller's check.</summary>
    public static string ValidateFriendlyName(string? friendlyName) =>
        Guard.Text(friendlyName, nameof(FriendlyName), 1, FriendlyNameMaxLength);

    public static DomainValidationException DuplicateFriendlyName(string friendlyName) =>
        DomainValidationException.For(nameof(FriendlyName), $"You already have shielding data named '{friendlyName.Trim()}': choose another friendly name.");

    /// <summary>
    /// A VM being provisioned still needs the file (HGS releases its keys to the host from it); once a VM is built its
    /// own key protector carries what it needs, so only Provisioning VMs hold the file.
    /// </summary>
    public void EnsureCanDelete(int provisioningVms)
    {
        if (provisioningVms > 0)
        {
            throw new StateConflictException(
                $"Shielding data '{FriendlyName}' is used by {provisioningVms} VM(s) being provisioned; delete it once they are built.");
        }
    }

    /// <summary>True when this fabric's guardian (by either thumbprint) is among the file's guardians; the owner does not count.</summary>
    public bool IncludesGuardian(string thumbprint) => IncludesGuardian(Guardians, thumbprint);

    public static bool IncludesGuardian(IEnumerable<ShieldingGuardianInfo> guardians, string thumbprint) =>
        guardians.Any(g => g.HasThumbprint(thumbprint));

    /// <summary>The shielding-capable templates whose signed disk some qualifier of the file trusts.</summary>
    public IReadOnlyList<VmTemplate> TrustedTemplates(IEnumerable<VmTemplate> templates) => TrustedTemplates(Qualifiers, templates);

    public static IReadOnlyList<VmTemplate> TrustedTemplates(IEnumerable<ShieldingQualifierInfo> qualifiers, IEnumerable<VmTemplate> templates)
    {
        var rules = qualifiers.Select(q => q.ToQualifier()).ToList();
        return [.. templates.Where(t => t.IsShieldingCapable && t.Vsc is { } vsc && rules.Any(r => r.Matches(vsc)))];
    }
}
