using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;
using Portal.Data;
using Portal.Data.Cluster;

namespace Portal.Web.Features.TemplateLibrary;

/// <summary>
/// The rule for <c>Library:ImportFolder</c>: at start, every template without a library disk whose <c>DiskFileName</c>
/// is a file in that folder gets it — copied into the library while it is hashed (once), then attached. Templates that
/// have a disk are left alone; a new disk for them is an upload. Runs in the background so a large copy does not hold
/// up start; a template that refuses its file (e.g. its catalog signs other bytes) is logged and skipped. Portal
/// processes sharing a database import one after another, so the second finds the disks attached.
/// </summary>
internal sealed class TemplateLibraryImport(
    IOptions<TemplateLibraryOptions> options,
    IServiceScopeFactory scopes,
    IClusterLocks locks,
    ILogger<TemplateLibraryImport> logger) : BackgroundService
{
    public const string LockName = "template-library-import";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.ImportFolder is { } folder
            ? locks.RunExclusiveAsync(LockName, ct => ImportAsync(folder, ct), stoppingToken)
            : Task.CompletedTask;

    private async Task ImportAsync(string folder, CancellationToken stoppingToken)
    {

        await using var scope = scopes.CreateAsyncScope();
        var dbFactory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var store = scope.ServiceProvider.GetRequiredService<TemplateDiskStore>();
        var library = scope.ServiceProvider.GetRequiredService<TemplateLibraryService>();

        List<(Guid Id, string DiskFileName)> waiting;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            var rows = await db.VmTemplates.AsNoTracking().Where(t => t.DiskSha384 == null)
                .Select(t => new { t.Id, t.DiskFileName }).ToListAsync(stoppingToken);
            waiting = [.. rows.Select(r => (r.Id, r.DiskFileName))];
        }

        foreach (var (id, fileName) in waiting)
        {
            var path = Path.Combine(folder, fileName);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
                var disk = await store.StoreAsync(file, stoppingToken);
                try
                {
                    await library.AttachAsync(id, disk, "template.disk-imported", AuditActor.System, stoppingToken);
                }
                catch
                {
                    store.Forget(disk);
                    throw;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not import template disk {DiskFileName} for template {TemplateId}", fileName, id);
            }
        }
    }
}
