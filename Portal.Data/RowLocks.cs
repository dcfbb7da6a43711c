using Microsoft.EntityFrameworkCore;
using Portal.Core.Subscriptions;

namespace Portal.Data;

/// <summary>
/// Row locks that serialize check-then-write use cases inside a transaction. PostgreSQL takes a row lock held
/// until commit; SQLite needs none, because its transactions begin IMMEDIATE (Microsoft.Data.Sqlite's default)
/// and so already hold the database's single write lock.
/// </summary>
public static class RowLocks
{
    public static Task LockSubscriptionAsync(this PortalDbContext db, Guid subscriptionId, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? db.Database
                .SqlQuery<Guid>($"SELECT \"Id\" AS \"Value\" FROM subscriptions WHERE \"Id\" = {subscriptionId} FOR UPDATE")
                .ToListAsync(ct)
            : Task.CompletedTask;

    /// <summary>
    /// The subscription, its row locked until commit by the statement that reads it (compose the rest of the read on it,
    /// so the lock costs no round trip of its own).
    /// </summary>
    public static IQueryable<Subscription> LockedSubscription(this PortalDbContext db, Guid subscriptionId) =>
        (db.Database.IsNpgsql()
            ? db.Subscriptions.FromSql($"SELECT * FROM subscriptions WHERE \"Id\" = {subscriptionId} FOR UPDATE")
            : db.Subscriptions)
        .Where(s => s.Id == subscriptionId);

    public static Task LockTenantAsync(this PortalDbContext db, Guid tenantId, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? db.Database
                .SqlQuery<Guid>($"SELECT \"Id\" AS \"Value\" FROM tenants WHERE \"Id\" = {tenantId} FOR UPDATE")
                .ToListAsync(ct)
            : Task.CompletedTask;

    public static Task LockVmAsync(this PortalDbContext db, Guid vmId, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? db.Database
                .SqlQuery<Guid>($"SELECT \"Id\" AS \"Value\" FROM virtual_machines WHERE \"Id\" = {vmId} FOR UPDATE")
                .ToListAsync(ct)
            : Task.CompletedTask;
}
