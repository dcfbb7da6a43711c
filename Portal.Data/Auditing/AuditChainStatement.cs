using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Core.Auditing;

namespace Portal.Data.Auditing;

/// <summary>
/// Appends audit entries on PostgreSQL in one statement: it locks the head, links the entries after it (SHA-256 in the
/// database, over the same bytes as <see cref="AuditChain.Encode"/>), inserts them and moves the head. The head is then
/// held for that statement and the commit only, instead of a lock, an insert and an update sent one after another.
/// </summary>
internal static class AuditChainStatement
{
    private static readonly byte[] Label = AuditChain.LabelEncoding();

    // The record's bytes come from C# (AuditChain.EncodeRecord); the database adds the place and the previous hash it
    // reads under the lock, encoded as AuditChain.Encode does: big-endian int64, then a big-endian uint32 length and UTF-8.
    private const string Sql = """
        WITH RECURSIVE
        head AS (
            SELECT "Sequence", "Hash" FROM audit_chain_head WHERE "Id" = @head FOR UPDATE
        ),
        entry AS (
            SELECT * FROM unnest(@at, @actor_id, @actor_name, @tenant_id, @action, @target, @remote_address, @record)
                WITH ORDINALITY AS e(at, actor_id, actor_name, tenant_id, action, target, remote_address, record, n)
        ),
        chain (n, sequence, previous_hash, hash) AS (
            SELECT e.n, h."Sequence" + 1, h."Hash"::text,
                encode(sha256(@label || int8send(h."Sequence" + 1) || int4send(octet_length(convert_to(h."Hash", 'UTF8')))
                    || convert_to(h."Hash", 'UTF8') || e.record), 'hex')
            FROM head h JOIN entry e ON e.n = 1
            UNION ALL
            SELECT e.n, c.sequence + 1, c.hash,
                encode(sha256(@label || int8send(c.sequence + 1) || int4send(octet_length(convert_to(c.hash, 'UTF8')))
                    || convert_to(c.hash, 'UTF8') || e.record), 'hex')
            FROM chain c JOIN entry e ON e.n = c.n + 1
        ),
        inserted AS (
            INSERT INTO audit_log ("At", "ActorId", "ActorName", "TenantId", "Action", "Target", "RemoteAddress",
                "Sequence", "PreviousHash", "Hash")
            SELECT e.at, e.actor_id, e.actor_name, e.tenant_id, e.action, e.target, e.remote_address,
                c.sequence, c.previous_hash, c.hash
            FROM chain c JOIN entry e ON e.n = c.n
            ORDER BY c.n
            RETURNING "Id", "Sequence"
        ),
        moved AS (
            UPDATE audit_chain_head SET "Sequence" = c.sequence, "Hash" = c.hash
            FROM chain c
            WHERE audit_chain_head."Id" = @head AND c.n = (SELECT count(*) FROM entry)
        )
        SELECT i."Id", c.sequence AS "Sequence", c.previous_hash AS "PreviousHash", c.hash AS "Hash"
        FROM inserted i JOIN chain c ON c.sequence = i."Sequence"
        ORDER BY c.sequence
        """;

    /// <summary>
    /// Inserts <paramref name="entries"/> (not tracked as added) linked after the head, in order, and tracks them as
    /// stored. Each link the database computed is checked against <see cref="AuditEntry.Link"/>: a mismatch throws, and
    /// the caller's transaction, not committed, takes nothing with it.
    /// </summary>
    public static async Task<int> InsertLinkedAsync(PortalDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        var linked = await db.Database.SqlQueryRaw<LinkedEntry>(Sql,
                new NpgsqlParameter("head", AuditChainHead.RowId),
                new NpgsqlParameter("label", NpgsqlDbType.Bytea) { Value = Label },
                Array("at", NpgsqlDbType.TimestampTz, entries.Select(e => e.At)),
                Array("actor_id", NpgsqlDbType.Uuid, entries.Select(e => e.ActorId)),
                Array("actor_name", NpgsqlDbType.Text, entries.Select(e => e.ActorName)),
                Array("tenant_id", NpgsqlDbType.Uuid, entries.Select(e => e.TenantId)),
                Array("action", NpgsqlDbType.Text, entries.Select(e => e.Action)),
                Array("target", NpgsqlDbType.Text, entries.Select(e => e.Target)),
                Array("remote_address", NpgsqlDbType.Text, entries.Select(e => e.RemoteAddress)),
                Array("record", NpgsqlDbType.Bytea, entries.Select(e => e.EncodeRecord())))
            .ToListAsync(ct);
        if (linked.Count != entries.Count)
        {
            throw new InvalidOperationException(
                "The audit chain's head row is missing: the database was not migrated, or the row was deleted.");
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            entry.Link(linked[i].Sequence, linked[i].PreviousHash);
            if (entry.Hash != linked[i].Hash)
            {
                throw new InvalidOperationException(
                    $"The database linked audit entry {linked[i].Sequence} with a hash other than the chain's encoding gives.");
            }

            var tracked = db.Entry(entry);
            tracked.Property(e => e.Id).CurrentValue = linked[i].Id;
            tracked.State = EntityState.Unchanged;
        }

        return entries.Count;
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values.ToArray() };

    private sealed record LinkedEntry(long Id, long Sequence, string PreviousHash, string Hash);
}
