using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;

namespace Portal.Data.Auditing;

/// <summary>Where the audit chain ends, as its head row says.</summary>
public sealed record AuditChainPosition(long Sequence, string Hash);

/// <summary>
/// Appends audit entries to the chain under its head's lock (see <see cref="PortalDbContext.SaveChangesAsync(bool, CancellationToken)"/>),
/// links entries stored before the chain existed, and reads the head.
/// </summary>
public static class AuditChainStore
{
    private const int LinkBatchSize = 1000;

    /// <summary>The head as committed: the last entry's place and hash.</summary>
    public static async Task<AuditChainPosition> ReadHeadAsync(this PortalDbContext db, CancellationToken ct)
    {
        var head = await db.Set<AuditChainHead>().AsNoTracking().SingleOrDefaultAsync(h => h.Id == AuditChainHead.RowId, ct)
            ?? throw MissingHead();
        return new AuditChainPosition(head.Sequence, head.Hash);
    }

    /// <summary>
    /// The first entry placed beyond the head, read in one statement (one snapshot), so an append committing meanwhile
    /// cannot show: such an entry was written past the lock, or the head was moved back.
    /// </summary>
    public static Task<ChainedAuditEntry?> FirstBeyondHeadAsync(this PortalDbContext db, CancellationToken ct) =>
        db.AuditEntries.AsNoTracking()
            .Where(a => a.Sequence > db.Set<AuditChainHead>().Where(h => h.Id == AuditChainHead.RowId).Select(h => h.Sequence).First())
            .InChainOrder()
            .FirstOrDefaultAsync(ct);

    /// <summary>The entries that have a place in the chain, in its order, as the chain covers them.</summary>
    public static IQueryable<ChainedAuditEntry> InChainOrder(this IQueryable<AuditEntry> entries) =>
        entries.Where(a => a.Sequence != null)
            .OrderBy(a => a.Sequence)
            .Select(a => new ChainedAuditEntry(a.Sequence!.Value, a.Id, a.At, a.ActorId, a.ActorName, a.TenantId,
                a.Action, a.Target, a.RemoteAddress, a.PreviousHash!, a.Hash!));

    /// <summary>
    /// Links entries that have no place in the chain yet (those stored before it existed) after its end, oldest first.
    /// Run once the schema is migrated; returns how many it linked.
    /// </summary>
    public static async Task<int> LinkUnchainedAsync(this PortalDbContext db, CancellationToken ct)
    {
        if (!await db.AuditEntries.AnyAsync(a => a.Sequence == null, ct))
        {
            return 0;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var linked = 0;
        while (true)
        {
            var batch = await db.AuditEntries.Where(a => a.Sequence == null).OrderBy(a => a.Id).Take(LinkBatchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                break;
            }

            await AppendAsync(db, batch, ct);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            linked += batch.Count;
        }

        await transaction.CommitAsync(ct);
        return linked;
    }

    /// <summary>
    /// Locks the head until the transaction ends (PostgreSQL: a row lock; SQLite's transactions already hold its only
    /// write lock), links <paramref name="entries"/> after it in order and moves it past them. The caller saves.
    /// </summary>
    internal static async Task AppendAsync(PortalDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        // A head tracked from an earlier transaction of this context is stale: read it afresh under the lock.
        foreach (var tracked in db.ChangeTracker.Entries<AuditChainHead>().ToList())
        {
            tracked.State = EntityState.Detached;
        }

        var heads = db.Database.IsNpgsql()
            ? db.Set<AuditChainHead>().FromSql($"SELECT * FROM audit_chain_head WHERE \"Id\" = {AuditChainHead.RowId} FOR UPDATE")
            : db.Set<AuditChainHead>().Where(h => h.Id == AuditChainHead.RowId);
        var head = (await heads.ToListAsync(ct)).SingleOrDefault() ?? throw MissingHead();
        foreach (var entry in entries)
        {
            head.Append(entry);
        }
    }

    private static InvalidOperationException MissingHead() =>
        new("The audit chain's head row is missing: the database was not migrated, or the row was deleted.");
}
