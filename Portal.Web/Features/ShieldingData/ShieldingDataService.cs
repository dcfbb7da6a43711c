using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.ShieldingData;
using Portal.Core.VirtualMachines;
using Portal.Data;

namespace Portal.Web.Features.ShieldingData;

/// <summary>
/// A tenant's shielding data files: upload (validated, stored exactly as sent), list with public metadata, delete.
/// Never opens a file: the portal holds no guardian private key. Every change is audited in the same save.
/// </summary>
public sealed class ShieldingDataService(
    IDbContextFactory<PortalDbContext> dbFactory, IFabricGuardianSource fabric, TimeProvider time, ILogger<ShieldingDataService> logger)
{
    public const int MaxFileBytes = ShieldingDataFile.DefaultMaxBytes;

    public async Task<IReadOnlyList<ShieldingDataDto>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ShieldingData.AsNoTracking().Where(s => s.TenantId == tenantId)
            .OrderBy(s => s.FriendlyName)
            .Select(ListRow.Projection)
            .ToListAsync(ct);
        var context = await DisplayContextAsync(db, ct);
        return [.. rows.Select(r => r.ToDto(context))];
    }

    /// <summary>One of the tenant's files; another tenant's is "not found", exactly like a missing one.</summary>
    public async Task<ShieldingDataDto> GetAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ShieldingData.AsNoTracking().Where(s => s.Id == id && s.TenantId == tenantId)
            .Select(ListRow.Projection)
            .SingleOrDefaultAsync(ct) ?? throw new NotFoundException("Shielding data", id);
        return row.ToDto(await DisplayContextAsync(db, ct));
    }

    /// <summary>
    /// Validates the file (format, bounds, owner signature; reading at most <see cref="MaxFileBytes"/> + 1 bytes) and
    /// stores it. Throws <see cref="ShieldingDataFormatException"/> or <see cref="DomainValidationException"/>; nothing is
    /// stored then.
    /// </summary>
    public async Task<ShieldingDataDto> UploadAsync(
        Guid tenantId, string? friendlyName, string? description, Stream content, AuditActor actor, CancellationToken ct)
    {
        var name = StoredShieldingData.ValidateFriendlyName(friendlyName);
        ShieldingDataFile file;
        try
        {
            file = await ShieldingDataFile.ReadAsync(content, MaxFileBytes, ct);
        }
        catch (ShieldingDataFormatException e)
        {
            // The error code only: the message is safe too, but a code is what operators filter on.
            logger.LogInformation("Shielding data upload refused for tenant {TenantId}: {Error}", tenantId, e.Error);
            throw;
        }

        var now = time.GetUtcNow();
        var stored = StoredShieldingData.Create(tenantId, name, description, file, actor.UserId, actor.Name, now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await NameTakenAsync(db, tenantId, stored.FriendlyName, ct))
        {
            throw StoredShieldingData.DuplicateFriendlyName(stored.FriendlyName);
        }

        db.ShieldingData.Add(stored);
        db.AuditEntries.Add(AuditEntry.Record(actor, "shielding-data.uploaded",
            $"{Target(stored.Id, stored.FriendlyName)} policy {stored.Policy}, sha256 {stored.FileSha256}", tenantId, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two uploads raced for one name and the unique index kept one; anything else is not the tenant's fault.
            await using var check = await dbFactory.CreateDbContextAsync(ct);
            if (await NameTakenAsync(check, tenantId, stored.FriendlyName, ct))
            {
                throw StoredShieldingData.DuplicateFriendlyName(stored.FriendlyName);
            }

            throw;
        }

        logger.LogInformation("Shielding data {ShieldingDataId} uploaded for tenant {TenantId} ({FileLength} bytes)",
            stored.Id, tenantId, stored.FileLength);
        return ListRow.From(stored).ToDto(await DisplayContextAsync(db, ct));
    }

    /// <summary>Deletes one of the tenant's files; refused (409) while a VM being provisioned uses it.</summary>
    public async Task DeleteAsync(Guid tenantId, Guid id, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.ShieldingData.SingleOrDefaultAsync(s => s.Id == id && s.TenantId == tenantId, ct)
            ?? throw new NotFoundException("Shielding data", id);
        var provisioning = await db.VirtualMachines.CountAsync(v => v.ShieldingDataId == id && v.State == VmState.Provisioning, ct);
        stored.EnsureCanDelete(provisioning);

        db.ShieldingData.Remove(stored);
        db.AuditEntries.Add(AuditEntry.Record(actor, "shielding-data.deleted", Target(stored.Id, stored.FriendlyName), tenantId, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Shielding data {ShieldingDataId} deleted for tenant {TenantId}", id, tenantId);
    }

    public async Task<FabricGuardianDto?> GetFabricGuardianAsync(CancellationToken ct) =>
        await fabric.GetAsync(ct) is { } g ? new FabricGuardianDto(g.Name, g.SigningThumbprint, g.EncryptionThumbprint) : null;

    private static Task<bool> NameTakenAsync(PortalDbContext db, Guid tenantId, string name, CancellationToken ct) =>
        db.ShieldingData.AnyAsync(s => s.TenantId == tenantId && s.FriendlyName == name, ct);

    private async Task<DisplayContext> DisplayContextAsync(PortalDbContext db, CancellationToken ct)
    {
        var guardian = await fabric.GetAsync(ct);

        // Only signed templates can match a qualifier; the gallery is small, so matching runs here with Core's rule.
        var templates = await db.VmTemplates.AsNoTracking().Where(t => t.Vsc != null && t.VscFile != null && t.Generation == 2).ToListAsync(ct);
        return new DisplayContext(guardian?.SigningThumbprint, guardian?.EncryptionThumbprint, templates);
    }

    private static string Target(Guid id, string name) => $"shielding-data:{id} ({name})";

    private sealed record DisplayContext(string? FabricSigningThumbprint, string? FabricEncryptionThumbprint, IReadOnlyList<VmTemplate> Templates)
    {
        public bool IsThisFabric(ShieldingGuardianInfo g) =>
            FabricSigningThumbprint is not null
            && (g.HasThumbprint(FabricSigningThumbprint) || g.HasThumbprint(FabricEncryptionThumbprint));
    }

    /// <summary>Everything listed, without the file bytes (up to 1 MiB each), which a list never needs.</summary>
    private sealed record ListRow(
        Guid Id, string FriendlyName, string Description, ShieldingPolicy Policy, Guid FileId, DateTimeOffset FileCreatedAt,
        ShieldingGuardianInfo Owner, IReadOnlyList<ShieldingGuardianInfo> Guardians, IReadOnlyList<ShieldingQualifierInfo> Qualifiers,
        int FileLength, string FileSha256, DateTimeOffset UploadedAt, string UploadedByName)
    {
        public static readonly System.Linq.Expressions.Expression<Func<StoredShieldingData, ListRow>> Projection = s => new ListRow(
            s.Id, s.FriendlyName, s.Description, s.Policy, s.FileId, s.FileCreatedAt, s.Owner, s.Guardians, s.Qualifiers,
            s.FileLength, s.FileSha256, s.UploadedAt, s.UploadedByName);

        private static readonly Func<StoredShieldingData, ListRow> FromEntity = Projection.Compile();

        public static ListRow From(StoredShieldingData s) => FromEntity(s);

        public ShieldingDataDto ToDto(DisplayContext context)
        {
            var guardians = Guardians.Select(g => new ShieldingGuardianDto(g.Name, g.SigningThumbprint, g.EncryptionThumbprint, context.IsThisFabric(g))).ToList();
            return new ShieldingDataDto(
                Id, FriendlyName, Description, Policy, FileId, FileCreatedAt,
                new ShieldingGuardianDto(Owner.Name, Owner.SigningThumbprint, Owner.EncryptionThumbprint, false),
                guardians,
                guardians.Any(g => g.IsThisFabric),
                [.. Qualifiers.Select(q => new ShieldingQualifierDto(q.VscName, q.SignerThumbprint, q.Rule, q.Version, q.ToString()))],
                [.. StoredShieldingData.TrustedTemplates(Qualifiers, context.Templates).Select(t => new TrustedTemplateDto(t.Id, t.Name))],
                FileLength, FileSha256, UploadedAt, UploadedByName);
        }
    }
}
