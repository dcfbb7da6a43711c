using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Shielding.Catalogs;
using Portal.Data;
using Portal.Web.Features.Gallery;

namespace Portal.Web.Features.ShieldingData;

/// <summary>Signed template disks: the provider uploads a template's catalog; tenants download it to trust the disk.</summary>
public sealed class TemplateCatalogService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, ILogger<TemplateCatalogService> logger)
{
    /// <summary>Catalogs are a few hundred bytes; the format refuses anything past this.</summary>
    public const int MaxFileBytes = VolumeSignatureCatalog.MaxBytes;

    /// <summary>The shielding-capable templates whose catalog file tenants can download.</summary>
    public async Task<IReadOnlyList<ShieldingTemplateDto>> ListShieldingTemplatesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var templates = await db.VmTemplates.AsNoTracking()
            .Where(t => t.IsActive && t.Generation == 2 && t.Vsc != null && t.VscFile != null)
            .OrderBy(t => t.Name)
            .Select(t => new { t.Id, t.Name, t.Vsc })
            .ToListAsync(ct);
        return [.. templates.Select(t => new ShieldingTemplateDto(t.Id, t.Name, t.Vsc!.VscName, t.Vsc.VscVersion, t.Vsc.Signer))];
    }

    /// <summary>The signed catalog as uploaded, with a file name; "not found" when the template is not shielding-capable or has no file.</summary>
    public async Task<(byte[] Content, string FileName)> GetCatalogFileAsync(Guid templateId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var template = await db.VmTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Id == templateId, ct);
        if (template is not { IsShieldingCapable: true, VscFile: { } file, Vsc: { } vsc })
        {
            throw new NotFoundException("Volume signature catalog of template", templateId);
        }

        return (file, FileNameFor(vsc));
    }

    /// <summary>Verifies the catalog (format and signature) and makes the template shielding-capable with it.</summary>
    public async Task<TemplateDto> AttachCatalogAsync(Guid templateId, Stream content, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var template = await db.VmTemplates.SingleOrDefaultAsync(t => t.Id == templateId, ct)
            ?? throw new NotFoundException("Template", templateId);
        var catalog = await VolumeSignatureCatalog.ReadAsync(content, MaxFileBytes, ct);
        template.AttachCatalog(catalog);
        db.AuditEntries.Add(AuditEntry.Record(actor, "template.catalog-uploaded",
            $"template:{template.Id} ({template.Name}) catalog \"{catalog.Name}\" {catalog.Version}, signer {catalog.SignerThumbprint}",
            null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Catalog attached to template {TemplateId}: {VscName} {VscVersion}", template.Id, catalog.Name, catalog.Version);
        return template.ToDto();
    }

    /// <summary>Takes the catalog off a template (e.g. a signing key no longer trusted): it stops being shielding-capable.</summary>
    public async Task<TemplateDto> RemoveCatalogAsync(Guid templateId, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var template = await db.VmTemplates.SingleOrDefaultAsync(t => t.Id == templateId, ct)
            ?? throw new NotFoundException("Template", templateId);
        var removed = template.Vsc;
        template.RemoveCatalog();
        db.AuditEntries.Add(AuditEntry.Record(actor, "template.catalog-removed",
            $"template:{template.Id} ({template.Name}) catalog \"{removed!.VscName}\" {removed.VscVersion}, signer {removed.Signer}",
            null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Catalog removed from template {TemplateId}: {VscName} {VscVersion}", template.Id, removed.VscName, removed.VscVersion);
        return template.ToDto();
    }

    private static string FileNameFor(VolumeSignatureCatalogInfo vsc)
    {
        var safe = new string([.. vsc.VscName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return $"{safe}-{vsc.VscVersion}.vsc";
    }
}
