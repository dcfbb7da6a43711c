using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
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
    /// Writes the VM in Provisioning, with its audit record, or throws <see cref="QuotaExceededException"/> with the
    /// numbers (<see cref="NotFoundException"/> for another tenant's subscription, <see cref="StateConflictException"/>
    /// for a suspended tenant or subscription or an offering the plan lacks).
    /// </summary>
    public static async Task<VirtualMachine> ReserveAsync(
        PortalDbContext db, VmReservationRequest request, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);

        // On SQLite this begins IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock is taken here, so
        // writers run one at a time and wait (busy timeout) instead of failing with "database is locked".
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Held until commit: the next reservation on this subscription reads usage only after ours is written.
        await db.LockSubscriptionAsync(request.SubscriptionId, ct);

        var tenant = await db.Tenants.SingleOrDefaultAsync(t => t.Id == request.TenantId, ct)
            ?? throw new NotFoundException("Tenant account", request.TenantId);
        tenant.EnsureActive();

        var subscription = await db.Subscriptions.AsNoTracking()
            .SingleOrDefaultAsync(s => s.Id == request.SubscriptionId && s.TenantId == request.TenantId, ct)
            ?? throw new NotFoundException("Subscription", request.SubscriptionId);
        subscription.EnsureActive();

        var plan = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == subscription.PlanId, ct);
        var template = await db.VmTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Id == request.TemplateId, ct);
        var size = await db.HardwareProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == request.HardwareProfileId, ct);
        VmRules.EnsureAllowed(plan, template, size, request.Shielded);

        var vm = VirtualMachine.Create(
            request.TenantId, subscription.Id, request.Name, template.Id, size, request.Shielded, now);
        var quota = subscription.EffectiveQuota(plan, await db.AddOnsHeldByAsync([subscription], ct));
        var used = await db.LiveUsageAsync(subscription.Id, ct);
        QuotaCheck.EnsureWithinQuota(quota, used, vm.Resources);

        db.VirtualMachines.Add(vm);
        db.AuditEntries.Add(AuditEntry.Record(actor, "vm.reserved", $"vm:{vm.Id} ({vm.Name})", vm.TenantId, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return vm;
    }
}
