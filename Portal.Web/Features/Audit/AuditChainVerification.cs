using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Data;
using Portal.Data.Auditing;

namespace Portal.Web.Features.Audit;

/// <summary>
/// Walks the stored audit chain from its first entry in bounded batches and reports the first broken link, if any: an
/// entry changed, removed or moved in the database, the head out of step with the last entry, an entry beyond the head,
/// or an entry stored outside the chain. Also pages through the chain for those who check it themselves (<c>tenantportal audit verify</c>).
/// </summary>
public sealed class AuditChainVerification(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int DefaultPageSize = 500;
    public const int MaxPageSize = 1000;

    private const int BatchSize = 1000;

    public async Task<AuditChainReport> VerifyAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        // The head first: every entry up to it was committed with it, so appends during the walk cannot look like a gap.
        var head = await db.ReadHeadAsync(ct);
        var verifier = new AuditChainVerifier();
        for (var after = 0L; after < head.Sequence;)
        {
            var batch = await ChainedAsync(db, after, head.Sequence, BatchSize, ct);
            if (batch.Count == 0 || !batch.All(verifier.Add))
            {
                break;
            }

            after = batch[^1].Sequence;
        }

        var report = verifier.Finish(head.Sequence, head.Hash);
        if (!report.Intact)
        {
            return report;
        }

        if (await db.FirstBeyondHeadAsync(ct) is { } beyond)
        {
            return report with
            {
                Intact = false,
                Break = new AuditChainBreak(AuditChainProblem.HeadMismatch, beyond.Sequence, beyond.Id,
                    $"entry {beyond.Sequence} lies beyond the chain's head"),
            };
        }

        var unchained = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence == null)
            .OrderBy(a => a.Id).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        return unchained is { } id
            ? report with
            {
                Intact = false,
                Break = new AuditChainBreak(AuditChainProblem.Unchained, null, id, $"entry id {id} has no place in the chain"),
            }
            : report;
    }

    /// <summary>
    /// Up to <paramref name="top"/> entries after place <paramref name="after"/>, in chain order, with the head's place as
    /// the total. The head is read after the entries, so it is never behind them.
    /// </summary>
    public async Task<(IReadOnlyList<ChainedAuditEntry> Entries, long HeadSequence)> ReadAsync(long after, int top, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entries = await ChainedAsync(db, after, long.MaxValue, top, ct);
        var head = await db.ReadHeadAsync(ct);
        return (entries, head.Sequence);
    }

    private static Task<List<ChainedAuditEntry>> ChainedAsync(PortalDbContext db, long after, long upTo, int top, CancellationToken ct) =>
        db.AuditEntries.AsNoTracking()
            .Where(a => a.Sequence > after && a.Sequence <= upTo)
            .InChainOrder()
            .Take(top)
            .ToListAsync(ct);
}
