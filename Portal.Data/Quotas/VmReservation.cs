using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Gallery;
using Portal.Core.Jobs;
using Portal.Core.Plans;
using Portal.Core.Quotas;
using Portal.Core.Subscriptions;
using Portal.Core.VirtualMachines;

namespace Portal.Data.Quotas;

/// <summary>
/// Checks a new VM against its subscription's quota and writes it, atomically: concurrent reservations on one
/// subscription queue behind a lock, so together they can never pass the limit.
/// </summary>
public static class VmReservation
{
    /// <summary>
    /// Writes the VM in Provisioning, its create job and its audit record in one transaction, or throws
    /// <see cref="QuotaExceededException"/> with the numbers (<see cref="NotFoundException"/> for another tenant's
    /// subscription or shielding data, <see cref="DomainValidationException"/> for an offering the plan lacks or
    /// shielding data that does not fit, <see cref="StateConflictException"/> for a suspended tenant or subscription).
    /// A request repeating an earlier Idempotency-Key gets the earlier VM and job back, changing nothing.
    /// </summary>
    public static async Task<VmReservation.Result> ReserveAsync(
        PortalDbContext db, VmReservationRequest request, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var idempotencyKey = request.IdempotencyKey is null ? null : Job.ValidateIdempotencyKey(request.IdempotencyKey);
        if (await EarlierAsync(db, request, idempotencyKey, ct) is { } earlier)
        {
            return earlier;
        }

        // On SQLite this begins IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock is taken here, so
        // writers run one at a time and wait (busy timeout) instead of failing with "database is locked".
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Held until commit: the next reservation on this subscription reads usage only after ours is written. The
        // tenant comes in the same round trip.
        var locked = await (
                from s in db.LockedSubscription(request.SubscriptionId).Where(s => s.TenantId == request.TenantId)
                join t in db.Tenants on s.TenantId equals t.Id
                select new { Subscription = s, Tenant = t })
            .AsNoTracking()
            .SingleOrDefaultAsync(ct);
        var tenant = locked?.Tenant
            ?? await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == request.TenantId, ct)
            ?? throw new NotFoundException("Tenant account", request.TenantId);
        tenant.EnsureActive();

        var subscription = locked?.Subscription ?? throw new NotFoundException("Subscription", request.SubscriptionId);
        subscription.EnsureActive();

        var offer = await ReadOfferAsync(db, subscription, request, ct);
        var (plan, template, size) = (offer.Plan, offer.Template, offer.Size);
        VmRules.EnsureAllowed(plan, template, size, request.Shielded);

        var shieldingData = request.ShieldingDataId is { } shieldingDataId
            ? await db.ShieldingData.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shieldingDataId && s.TenantId == request.TenantId, ct)
                ?? throw new NotFoundException("Shielding data", shieldingDataId)
            : null;
        VmRules.EnsureShieldingDataFits(request.Shielded, shieldingData, template, request.FabricGuardianThumbprint);

        var vm = VirtualMachine.Create(
            request.TenantId, subscription.Id, request.Name, template.Id, size, request.Shielded, now,
            shieldingData?.Id, shieldingData?.Policy);
        var quota = subscription.EffectiveQuota(plan, await db.AddOnsHeldByAsync([subscription], ct));
        QuotaCheck.EnsureWithinQuota(quota, offer.Used, vm.Resources);

        var job = Job.Create(JobType.Create, vm, actor.Name, idempotencyKey, now);
        db.VirtualMachines.Add(vm);
        db.Jobs.Add(job);
        db.AuditEntries.Add(AuditEntry.Record(actor, "vm.created",
            $"vm:{vm.Id} ({vm.Name}){(vm.Shielded ? $" shielded ({vm.Policy})" : "")} job:{job.Id}", vm.TenantId, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (idempotencyKey is not null && e.IsUniqueViolation())
        {
            // The same key raced us and won: answer with its VM, as a replay would.
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return await EarlierAsync(db, request, idempotencyKey, ct)
                ?? throw new StateConflictException("A request with this Idempotency-Key is already being handled.");
        }

        await transaction.CommitAsync(ct);
        return new Result(vm, job, Replayed: false) { TemplateName = template.Name, SizeName = size.Name };
    }

    /// <summary>
    /// The plan, template and size, and what the subscription's live VMs use, in one round trip. It must run after the
    /// subscription's lock is granted: a statement sees what was committed when it began, so usage read in the locking
    /// statement would miss a reservation committed while it waited.
    /// </summary>
    private static async Task<Offer> ReadOfferAsync(
        PortalDbContext db, Subscription subscription, VmReservationRequest request, CancellationToken ct)
    {
        var live = db.VirtualMachines.Where(v => v.SubscriptionId == subscription.Id && v.State != VmState.Deleted);
        var read = await (
                from p in db.Plans.Where(p => p.Id == subscription.PlanId)
                from t in db.VmTemplates.Where(t => t.Id == request.TemplateId).DefaultIfEmpty()
                from h in db.HardwareProfiles.Where(h => h.Id == request.HardwareProfileId).DefaultIfEmpty()
                select new
                {
                    Plan = p,
                    Template = t,
                    Size = h,
                    Vms = live.Sum(v => v.Resources.Vms),
                    Vcpus = live.Sum(v => v.Resources.Vcpus),
                    MemoryGiB = live.Sum(v => v.Resources.MemoryGiB),
                    StorageGiB = live.Sum(v => v.Resources.StorageGiB),
                })
            .AsNoTracking()
            .SingleAsync(ct);
        return new Offer(read.Plan, read.Template, read.Size, new ResourceAmount(read.Vms, read.Vcpus, read.MemoryGiB, read.StorageGiB));
    }

    private sealed record Offer(Plan Plan, VmTemplate? Template, HardwareProfile? Size, ResourceAmount Used);

    /// <summary>The VM an earlier request with this key made; a key reused for a different VM is refused.</summary>
    private static async Task<Result?> EarlierAsync(PortalDbContext db, VmReservationRequest request, string? idempotencyKey, CancellationToken ct)
    {
        if (idempotencyKey is null)
        {
            return null;
        }

        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.TenantId == request.TenantId && j.IdempotencyKey == idempotencyKey, ct);
        if (job is null)
        {
            return null;
        }

        var vm = await db.VirtualMachines.AsNoTracking().SingleAsync(v => v.Id == job.VmId, ct);
        var same = vm.SubscriptionId == request.SubscriptionId && vm.Name == request.Name.Trim() && vm.TemplateId == request.TemplateId
            && vm.HardwareProfileId == request.HardwareProfileId && vm.Shielded == request.Shielded && vm.ShieldingDataId == request.ShieldingDataId;
        return same
            ? new Result(vm, job, Replayed: true)
            : throw new StateConflictException(
                $"This Idempotency-Key was already used to create VM '{vm.Name}' with other values; use a new key for a different VM.");
    }

    /// <summary>
    /// The VM and its create job; <paramref name="Replayed"/> when an earlier request with the same key made them. A new
    /// reservation also names the template and size it read; a replay does not.
    /// </summary>
    public sealed record Result(VirtualMachine Vm, Job Job, bool Replayed)
    {
        public string? TemplateName { get; init; }

        public string? SizeName { get; init; }
    }
}
