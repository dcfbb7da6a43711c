using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Data;
using Portal.Web.Features.Gallery;

namespace Portal.Web.Features.TemplateLibrary;

/// <summary>Template disks: the provider puts a template's disk in the library; hosts fetch the disks templates use.</summary>
public sealed class TemplateLibraryService(
    IDbContextFactory<PortalDbContext> dbFactory, TemplateDiskStore store, TimeProvider time, ILogger<TemplateLibraryService> logger)
{
    /// <summary>Streams the disk into the library and records its hash and size on the template, audited.</summary>
    public async Task<TemplateDto> UploadDiskAsync(Guid templateId, Stream content, AuditActor actor, CancellationToken ct)
    {
        await using (var check = await dbFactory.CreateDbContextAsync(ct))
        {
            // Before reading a possibly large body: an unknown template is a 404 at once.
            if (!await check.VmTemplates.AnyAsync(t => t.Id == templateId, ct))
            {
                throw new NotFoundException("Template", templateId);
            }
        }

        var disk = await store.StoreAsync(content, ct);
        try
        {
            return await AttachAsync(templateId, disk, "template.disk-uploaded", actor, ct);
        }
        catch
        {
            store.Forget(disk);
            throw;
        }
    }

    /// <summary>Records a disk already in the store on a template (the import folder and the embedded seed use this).</summary>
    public async Task<TemplateDto> AttachAsync(Guid templateId, StoredDisk disk, string auditAction, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var template = await db.VmTemplates.SingleOrDefaultAsync(t => t.Id == templateId, ct)
            ?? throw new NotFoundException("Template", templateId);
        template.AttachDisk(disk.Sha384, disk.Bytes);
        db.AuditEntries.Add(AuditEntry.Record(actor, auditAction,
            $"template:{template.Id} ({template.Name}) disk {disk.Sha384}, {disk.Bytes} bytes", null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Template {TemplateId} has library disk {Sha384} ({Bytes} bytes)", template.Id, disk.Sha384, disk.Bytes);
        return template.ToDto();
    }

    /// <summary>
    /// Opens a disk for a host. Only disks some template records are served, so the library folder is not a general
    /// file share; anything else is "not found".
    /// </summary>
    public async Task<FileStream> OpenForHostAsync(string sha384, CancellationToken ct)
    {
        if (!TemplateDiskHash.IsValid(sha384))
        {
            throw new NotFoundException("Template disk", sha384);
        }

        var hash = TemplateDiskHash.Normalize(sha384);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.VmTemplates.AnyAsync(t => t.DiskSha384 == hash, ct))
        {
            throw new NotFoundException("Template disk", hash);
        }

        return store.OpenRead(hash) ?? throw new NotFoundException("Template disk", hash);
    }
}
