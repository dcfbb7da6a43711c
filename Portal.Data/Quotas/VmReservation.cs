using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Jobs;
using Portal.Core.Quotas;
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

        // The catalog needs no lock: read before the subscription's, which is then held for fewer round trips.
        var template = await db.VmTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Id == request.TemplateId, ct);
        var size = await db.HardwareProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.HardwareProfileId, ct);

        // On SQLite this begins IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock is taken here, so
        // writers run one at a time and wait (busy timeout) instead of failing with "database is locked".
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Held until commit: the next reservation on this subscription reads usage only after ours is written.
        var subscription = await db.LockSubscriptionAsync(request.SubscriptionId, request.TenantId, ct);

        var tenant = await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == request.TenantId, ct)
            ?? throw new NotFoundException("Tenant account", request.TenantId);
        tenant.EnsureActive();

        if (subscription is null)
        {
            throw new NotFoundException("Subscription", request.SubscriptionId);
        }

        subscription.EnsureActive();

        var plan = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == subscription.PlanId, ct);
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
        var used = await db.LiveUsageAsync(subscription.Id, ct);
        QuotaCheck.EnsureWithinQuota(quota, used, vm.Resources);

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
