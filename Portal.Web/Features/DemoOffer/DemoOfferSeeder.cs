using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;
using Portal.Core.Gallery;
using Portal.Core.Shielding.Catalogs;
using Portal.Data;
using Portal.Web.Features.EmbeddedFabric;
using Portal.Web.Features.Gallery;
using Portal.Web.Features.Plans;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Features.TemplateLibrary;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Operations;

namespace Portal.Web.Features.DemoOffer;

/// <summary>
/// On an embedded (SQLite) portal with no plans yet, makes a ready shielded offer so a newcomer can go from
/// <c>dotnet run</c> to a shielded VM: a generated disk in the library, signed by the provider's key from the data
/// folder, a generation 2 Linux template with that disk and catalog, a small size, and a public plan allowing
/// shielded VMs. Everything goes through the same services and checks as the provider's own changes. Runs after the
/// database start-up (registration order), and prints what it made beside the first admin's password.
/// </summary>
internal sealed class DemoOfferSeeder(
    IServiceScopeFactory scopes,
    IOptions<DatabaseOptions> database,
    IOptions<PortalOptions> portal,
    DemoOfferFolder folder,
    EmbeddedHypervisor hypervisor,
    TimeProvider time,
    FirstStartBanner banner,
    ILogger<DemoOfferSeeder> logger) : IHostedService
{
    public const string TemplateName = "Demo Linux (shielded)";
    public const string SizeName = "Small";
    public const string PlanName = "Demo: shielded VMs";
    public const string CatalogName = "TenantPortal-Demo-Linux";

    public bool IsEnabled => database.Value.Provider == DatabaseProvider.Sqlite && (portal.Value.SeedDemoOffer ?? true);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsEnabled)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Plans.AnyAsync(cancellationToken))
            {
                return;
            }
        }

        var disk = await DiskAsync();
        var seeded = await SeedAsync(services, dbFactory, disk, cancellationToken);
        logger.LogInformation("Seeded the demo offer: plan {PlanId}, template {TemplateId}, size {SizeId}", seeded.PlanId, seeded.TemplateId, seeded.SizeId);

        banner.Add(
            "A ready offer was seeded (turn off with Portal:SeedDemoOffer=false):",
            $"template: {TemplateName}, generation 2, signed for shielding (catalog \"{CatalogName}\" 1.0.0.0)",
            $"          disk {TemplateDiskHash.Short(seeded.DiskSha384)}… ({disk.Description}) in the template library",
            $"size:     {SizeName} (2 vCPU, 4 GiB, 40 GiB)",
            $"plan:     {PlanName}, public, shielded VMs allowed",
            $"signing key: {ProviderSigningKey.PathIn(folder.DataFolder)} (in the data folder, not the database)");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The guest template QEMU boots where the embedded hosts run QEMU; the generated demo disk otherwise.</summary>
    private async Task<SeedDisk> DiskAsync()
    {
        var choice = await hypervisor.ChoiceAsync();
        if (choice.TemplateDiskPath is { } path)
        {
            var bytes = await File.ReadAllBytesAsync(path);
            return new(bytes, "tenantportal-linux.qcow2", $"{bytes.Length / 1024} KiB qcow2, a busybox Linux built from Debian packages",
                "A small busybox Linux built from Debian packages and signed by this portal's demo key; QEMU boots it on the embedded hosts.");
        }

        return new(DemoDisk.Create(), DemoDisk.FileName, $"{DemoDisk.Length / (1024 * 1024)} MiB, generated",
            "A small generated disk signed by this portal's demo key, to try shielded VMs on the simulated hosts.");
    }

    private async Task<Seeded> SeedAsync(IServiceProvider services, IDbContextFactory<PortalDbContext> dbFactory, SeedDisk seedDisk, CancellationToken ct)
    {
        var gallery = services.GetRequiredService<GalleryService>();
        var library = services.GetRequiredService<TemplateLibraryService>();
        var catalogs = services.GetRequiredService<TemplateCatalogService>();
        var plans = services.GetRequiredService<PlanService>();
        var store = services.GetRequiredService<TemplateDiskStore>();
        var actor = AuditActor.System;

        // Find-or-create, so a start that stopped halfway finishes the offer rather than failing on a taken name.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sizeId = await db.HardwareProfiles.Where(p => p.Name == SizeName).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(ct)
            ?? (await gallery.CreateProfileAsync(new HardwareProfileRequest(SizeName, 2, 4, 40, "2 vCPU, 4 GiB, 40 GiB"), actor, ct)).Id;
        var template = await db.VmTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Name == TemplateName, ct);
        var templateId = template?.Id ?? (await gallery.CreateTemplateAsync(new TemplateRequest(
            TemplateName, OsFamily.Linux, "Demo 1.0", 2, seedDisk.FileName, 1, sizeId, seedDisk.TemplateDescription), actor, ct)).Id;

        var disk = seedDisk.Bytes;
        var stored = await store.StoreAsync(new MemoryStream(disk, writable: false), ct);
        if (template?.DiskSha384 is null)
        {
            await library.AttachAsync(templateId, stored, "template.disk-uploaded", actor, ct);
        }

        if (template?.Vsc is null)
        {
            using var signer = ProviderSigningKey.LoadOrCreate(folder.DataFolder);
            var catalog = await VolumeSignatureCatalog.SignAsync(
                new MemoryStream(disk, writable: false), CatalogName, new Version(1, 0, 0, 0), seedDisk.FileName, signer, time, ct);
            await catalogs.AttachCatalogAsync(templateId, new MemoryStream(catalog.ToArray()), actor, ct);
        }

        var plan = await plans.CreateAsync(new PlanRequest(
            PlanName, "Seeded by the embedded portal: a signed Linux template and a small size, shielded VMs allowed.",
            new QuotaDto(10, 20, 40, 400), AllowShieldedVms: true, InvitationCode: null, MaxSubscriptionsPerTenant: null,
            [templateId], [sizeId]), actor, ct);
        await plans.PublishAsync(plan.Id, actor, ct);
        return new Seeded(plan.Id, templateId, sizeId, stored.Sha384);
    }

    private sealed record Seeded(Guid PlanId, Guid TemplateId, Guid SizeId, string DiskSha384);

    private sealed record SeedDisk(byte[] Bytes, string FileName, string Description, string TemplateDescription);
}

/// <summary>The portal's data folder, where the demo's signing key lives.</summary>
internal sealed record DemoOfferFolder(string DataFolder);
