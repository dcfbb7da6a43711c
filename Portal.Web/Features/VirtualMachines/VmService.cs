using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Jobs;
using Portal.Data;
using Portal.Data.Jobs;
using Portal.Data.Quotas;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.ShieldingData;
using Portal.Web.Infrastructure.ChangeFeed;
using Portal.Web.Infrastructure.Paging;
using Portal.Core.VirtualMachines;

namespace Portal.Web.Features.VirtualMachines;

/// <summary>
/// A tenant's VMs: creating one reserves its quota and queues its create job in one transaction; every other operation
/// queues a job for the VM's host. One job at a time per VM. Another tenant's VM reads as not found.
/// </summary>
public sealed class VmService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IFabricGuardianSource fabricGuardian,
    IChangeFeed changes,
    TimeProvider time)
{
    /// <summary>What a tenant's VM list may be ordered by; by name unless asked.</summary>
    public static readonly SortFields<VirtualMachine> Orders = SortFields<VirtualMachine>
        .By("name", v => v.Name, v => v.Id).And("createdAt", v => v.CreatedAt).And("state", v => v.State);

    public async Task<IReadOnlyList<VmDto>> ListAsync(Guid tenantId, Guid? subscriptionId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vms = await OwnedAsync(db, tenantId, subscriptionId, ct);
        return await db.ToDtosAsync(await vms.OrderBy(v => v.Name).ToListAsync(ct), ct);
    }

    public async Task<Page<VmDto>> ListAsync(Guid tenantId, Guid? subscriptionId, ListQuery list, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owned = await OwnedAsync(db, tenantId, subscriptionId, ct);
        var rows = await owned.PageOf(list, Orders).ToListRows(db, tenantId, owned).ToListAsync(ct);
        // Each row carries the total; a page past the end has no row to carry it.
        var total = rows.Count > 0 ? rows[0].Total : list.Skip is > 0 ? await owned.CountAsync(ct) : 0;
        return new Page<VmDto>([.. rows.Select(r => r.ToDto())], total);
    }

    private static async Task<IQueryable<VirtualMachine>> OwnedAsync(PortalDbContext db, Guid tenantId, Guid? subscriptionId, CancellationToken ct)
    {
        var vms = db.VirtualMachines.AsNoTracking().OwnedBy(tenantId).Live();
        if (subscriptionId is { } id)
        {
            if (!await db.Subscriptions.AnyAsync(s => s.Id == id && s.TenantId == tenantId, ct))
            {
                throw new NotFoundException("Subscription", id);
            }

            vms = vms.Where(v => v.SubscriptionId == id);
        }

        return vms;
    }

    public async Task<VmDto> GetAsync(Guid tenantId, Guid vmId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vm = await db.VirtualMachines.AsNoTracking().OwnedBy(tenantId).Live().SingleOrDefaultAsync(v => v.Id == vmId, ct)
            ?? throw new NotFoundException("VM", vmId);
        return (await db.ToDtosAsync([vm], ct))[0];
    }

    /// <summary>Reserves quota and queues the create job; the same Idempotency-Key twice answers with the first VM.</summary>
    public async Task<(VmDto Vm, Guid JobId, bool Replayed)> CreateAsync(
        Guid tenantId, CreateVmRequest request, string? idempotencyKey, AuditActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var guardian = request.Shielded ? await fabricGuardian.GetAsync(ct) : null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var reserved = await VmReservation.ReserveAsync(db,
            new VmReservationRequest(tenantId, request.SubscriptionId, request.Name ?? "", request.TemplateId,
                request.HardwareProfileId, request.Shielded, request.ShieldingDataId, guardian?.EncryptionThumbprint, idempotencyKey),
            actor, time.GetUtcNow(), ct);
        if (!reserved.Replayed)
        {
            await changes.PublishAsync(
                [new PortalChange(ChangeKind.VirtualMachine, reserved.Vm.Id, tenantId), new PortalChange(ChangeKind.Job, reserved.Job.Id, tenantId)], ct);
        }

        var vm = reserved is { TemplateName: { } templateName, SizeName: { } sizeName }
            ? reserved.Vm.ToDto(templateName, sizeName, reserved.Job)
            : (await db.ToDtosAsync([reserved.Vm], ct))[0];
        return (vm, reserved.Job.Id, reserved.Replayed);
    }

    /// <summary>Queues start, shut down, turn off, restart or delete; refused while another job for the VM is unfinished.</summary>
    public async Task<JobDto> RequestAsync(Guid tenantId, Guid vmId, JobType type, AuditActor actor, CancellationToken ct)
    {
        var job = await JobRequests.QueueAsync(dbFactory, vmId, type, actor, time.GetUtcNow(), tenantId, ct);
        await changes.PublishAsync([new PortalChange(ChangeKind.Job, job.Id, tenantId), new PortalChange(ChangeKind.VirtualMachine, vmId, tenantId)], ct);
        return job;
    }

    public async Task<IReadOnlyList<JobDto>> JobsAsync(Guid tenantId, Guid vmId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vm = await db.VirtualMachines.AsNoTracking().OwnedBy(tenantId).SingleOrDefaultAsync(v => v.Id == vmId, ct)
            ?? throw new NotFoundException("VM", vmId);
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.VmId == vmId).OrderByDescending(j => j.CreatedAt).Take(50).ToListAsync(ct);
        return [.. jobs.Select(j => j.ToDto(vm.Name))];
    }

    public async Task<Page<JobDto>> JobsAsync(Guid tenantId, Guid vmId, ListQuery list, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var vm = await db.VirtualMachines.AsNoTracking().OwnedBy(tenantId).SingleOrDefaultAsync(v => v.Id == vmId, ct)
            ?? throw new NotFoundException("VM", vmId);
        var page = await db.Jobs.AsNoTracking().Where(j => j.VmId == vmId).ToPageAsync(list, JobService.Orders, ct);
        return page.Select(j => j.ToDto(vm.Name));
    }
}
