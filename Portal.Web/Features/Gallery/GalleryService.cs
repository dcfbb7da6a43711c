using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Data;

namespace Portal.Web.Features.Gallery;

/// <summary>The provider's gallery: templates and hardware profiles. Every change is audited in the same save.</summary>
public sealed class GalleryService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<TemplateDto>> ListTemplatesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var templates = await db.VmTemplates.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        return [.. templates.Select(t => t.ToDto())];
    }

    public async Task<TemplateDto> GetTemplateAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await FindTemplateAsync(db, id, ct)).ToDto();
    }

    /// <summary>Adds a template without a catalog; it becomes shielding-capable only through a verified catalog upload.</summary>
    public async Task<TemplateDto> CreateTemplateAsync(TemplateRequest request, AuditActor actor, CancellationToken ct)
    {
        request.EnsureNoTypedCatalog();
        var now = time.GetUtcNow();
        var template = VmTemplate.Create(request.Name ?? "", request.OsFamily, request.OsVersion ?? "", request.Generation,
            request.DiskFileName ?? "", request.DiskSizeGiB, request.DefaultHardwareProfileId, request.Description, now);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureTemplateNameFreeAsync(db, template.Name, template.Id, ct);
        await EnsureProfileExistsAsync(db, template.DefaultHardwareProfileId, ct);
        db.VmTemplates.Add(template);
        db.AuditEntries.Add(AuditEntry.Record(actor, "template.created", Target(template), null, now));
        await db.SaveChangesAsync(ct);
        return template.ToDto();
    }

    /// <summary>Changes the template's descriptive fields; its catalog (and the signed file) stays as uploaded.</summary>
    public async Task<TemplateDto> UpdateTemplateAsync(Guid id, TemplateRequest request, AuditActor actor, CancellationToken ct)
    {
        request.EnsureNoTypedCatalog();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var template = await FindTemplateAsync(db, id, ct);
        template.Update(request.Name ?? "", request.OsFamily, request.OsVersion ?? "", request.DefaultHardwareProfileId,
            request.Description);

        await EnsureTemplateNameFreeAsync(db, template.Name, template.Id, ct);
        await EnsureProfileExistsAsync(db, template.DefaultHardwareProfileId, ct);
        db.AuditEntries.Add(AuditEntry.Record(actor, "template.updated", Target(template), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return template.ToDto();
    }

    public Task<TemplateDto> RetireTemplateAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeTemplateAsync(id, "template.retired", (t, now) => t.Retire(now), actor, ct);

    public Task<TemplateDto> ReactivateTemplateAsync(Guid id, AuditActor actor, CancellationToken ct) =>
        ChangeTemplateAsync(id, "template.reactivated", (t, _) => t.Reactivate(), actor, ct);

    /// <summary>Deletes a template no plan offers and no VM uses; otherwise retire it.</summary>
    public async Task DeleteTemplateAsync(Guid id, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var template = await FindTemplateAsync(db, id, ct);
        var plans = await db.Plans.CountAsync(p => p.TemplateOfferings.Any(o => o.TemplateId == id), ct);
        var vms = await db.VirtualMachines.CountAsync(v => v.TemplateId == id, ct);
        if (plans > 0 || vms > 0)
        {
            throw new StateConflictException(
                $"Template '{template.Name}' is offered by {plans} plan(s) and used by {vms} VM(s); retire it instead.");
        }

        db.VmTemplates.Remove(template);
        db.AuditEntries.Add(AuditEntry.Record(actor, "template.deleted", Target(template), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<HardwareProfileDto>> ListProfilesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var profiles = await db.HardwareProfiles.AsNoTracking().ToListAsync(ct);
        return [.. profiles.OrderBy(p => p.Vcpus).ThenBy(p => p.MemoryGiB).ThenBy(p => p.Name).Select(p => p.ToDto())];
    }

    public async Task<HardwareProfileDto> GetProfileAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await FindProfileAsync(db, id, ct)).ToDto();
    }

    public async Task<HardwareProfileDto> CreateProfileAsync(HardwareProfileRequest request, AuditActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var profile = HardwareProfile.Create(request.Name ?? "", request.Vcpus, request.MemoryGiB, request.DiskGiB,
            request.Description, now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureProfileNameFreeAsync(db, profile.Name, profile.Id, ct);
        db.HardwareProfiles.Add(profile);
        db.AuditEntries.Add(AuditEntry.Record(actor, "hardware-profile.created", Target(profile), null, now));
        await db.SaveChangesAsync(ct);
        return profile.ToDto();
    }

    /// <summary>Changes a size; VMs created earlier keep what they were created with.</summary>
    public async Task<HardwareProfileDto> UpdateProfileAsync(
        Guid id, HardwareProfileRequest request, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var profile = await FindProfileAsync(db, id, ct);
        profile.Update(request.Name ?? "", request.Vcpus, request.MemoryGiB, request.DiskGiB, request.Description);
        await EnsureProfileNameFreeAsync(db, profile.Name, profile.Id, ct);
        db.AuditEntries.Add(AuditEntry.Record(actor, "hardware-profile.updated", Target(profile), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return profile.ToDto();
    }

    public async Task DeleteProfileAsync(Guid id, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var profile = await FindProfileAsync(db, id, ct);
        var plans = await db.Plans.CountAsync(p => p.HardwareProfileOfferings.Any(o => o.HardwareProfileId == id), ct);
        var users = await db.VirtualMachines.CountAsync(v => v.HardwareProfileId == id, ct)
            + await db.VmTemplates.CountAsync(t => t.DefaultHardwareProfileId == id, ct);
        if (plans > 0 || users > 0)
        {
            throw new StateConflictException(
                $"Hardware profile '{profile.Name}' is offered by {plans} plan(s) and used by {users} template(s) or VM(s).");
        }

        db.HardwareProfiles.Remove(profile);
        db.AuditEntries.Add(AuditEntry.Record(actor, "hardware-profile.deleted", Target(profile), null, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }

    private async Task<TemplateDto> ChangeTemplateAsync(
        Guid id, string action, Action<VmTemplate, DateTimeOffset> change, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var template = await FindTemplateAsync(db, id, ct);
        var now = time.GetUtcNow();
        change(template, now);
        db.AuditEntries.Add(AuditEntry.Record(actor, action, Target(template), null, now));
        await db.SaveChangesAsync(ct);
        return template.ToDto();
    }

    private static async Task<VmTemplate> FindTemplateAsync(PortalDbContext db, Guid id, CancellationToken ct) =>
        await db.VmTemplates.SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Template", id);

    private static async Task<HardwareProfile> FindProfileAsync(PortalDbContext db, Guid id, CancellationToken ct) =>
        await db.HardwareProfiles.SingleOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("Hardware profile", id);

    private static async Task EnsureTemplateNameFreeAsync(PortalDbContext db, string name, Guid id, CancellationToken ct)
    {
        if (await db.VmTemplates.AnyAsync(t => t.Name == name && t.Id != id, ct))
        {
            throw DomainValidationException.For("Name", $"A template named '{name}' already exists.");
        }
    }

    private static async Task EnsureProfileNameFreeAsync(PortalDbContext db, string name, Guid id, CancellationToken ct)
    {
        if (await db.HardwareProfiles.AnyAsync(p => p.Name == name && p.Id != id, ct))
        {
            throw DomainValidationException.For("Name", $"A hardware profile named '{name}' already exists.");
        }
    }

    private static async Task EnsureProfileExistsAsync(PortalDbContext db, Guid? profileId, CancellationToken ct)
    {
        if (profileId is { } id && !await db.HardwareProfiles.AnyAsync(p => p.Id == id, ct))
        {
            throw DomainValidationException.For("DefaultHardwareProfileId", "The default hardware profile does not exist.");
        }
    }

    private static string Target(VmTemplate t) => $"template:{t.Id} ({t.Name})";

    private static string Target(HardwareProfile p) => $"hardware-profile:{p.Id} ({p.Name})";
}
