using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Core.Auditing;
using Portal.Core.Tenants;
using Portal.Data.Auditing;
using Portal.Data.Tests.Offers;

namespace Portal.Data.Tests.Auditing;

public abstract class AuditChainAppendTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : OffersDatabase
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);

    protected TDatabase Database { get; } = database;

    [Fact]
    public async Task TwentyConcurrentTransactions_AppendOneChain_WithoutForkOrGap()
    {
        const int Writers = 20;
        var before = await HeadAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            await using var db = Database.CreateContext();
            await db.Database.OpenConnectionAsync();
            await start.Task;

            // Half record their change in a transaction of their own, as use cases do; half let the save begin one.
            await using var transaction = i % 2 == 0 ? await db.Database.BeginTransactionAsync() : null;
            var tenant = TenantAccount.Create($"Writer {i} {Guid.NewGuid():N}", Now);
            db.Tenants.Add(tenant);
            db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "tenant.signed-up", $"writer {i}", tenant.Id, Now));
            db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "api-token.created", $"writer {i} token", tenant.Id, Now));
            await db.SaveChangesAsync();
            if (transaction is not null)
            {
                await transaction.CommitAsync();
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(writers);

        var chain = await ChainAsync();
        var report = Verify(chain, await HeadAsync());
        Assert.True(report.Intact, report.Break?.Message);
        Assert.Equal(before.Sequence + (2 * Writers), report.HeadSequence);
        Assert.Equal(chain.Count, chain.Select(e => e.PreviousHash).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, chain.Count).Select(i => (long)i), chain.Select(e => e.Sequence));
    }

    [Fact]
    public async Task RolledBackAppend_TakesNoPlace_AndTheNextOneFollowsTheHead()
    {
        var before = await HeadAsync();
        await using (var db = Database.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "plan.published", "rolled back", null, Now));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await using (var db = Database.CreateContext())
        {
            db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "plan.published", "kept", null, Now));
            await db.SaveChangesAsync();
        }

        var head = await HeadAsync();
        Assert.Equal(before.Sequence + 1, head.Sequence);
        Assert.True(Verify(await ChainAsync(), head).Intact);
        await using var check = Database.CreateContext();
        Assert.False(await check.AuditEntries.AnyAsync(a => a.Target == "rolled back"));
    }

    [Fact]
    public async Task OneContext_SavingInTwoTransactions_ReadsTheHeadAfresh()
    {
        await using var db = Database.CreateContext();
        db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "plan.published", "first save", null, Now));
        await db.SaveChangesAsync();
        await using (var other = Database.CreateContext())
        {
            other.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "plan.published", "another context", null, Now));
            await other.SaveChangesAsync();
        }

        db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "plan.published", "second save", null, Now));
        await db.SaveChangesAsync();

        Assert.True(Verify(await ChainAsync(), await HeadAsync()).Intact);
    }

    [Fact]
    public async Task UpdateAndDelete_AreRefusedByTheDatabase()
    {
        await using var db = Database.CreateContext();
        var entry = AuditEntry.Record(AuditActor.System, "tenant.deleted", "kept forever", null, Now);
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync();

        var update = await Assert.ThrowsAnyAsync<Exception>(() =>
            db.Database.ExecuteSqlAsync($"UPDATE audit_log SET \"Target\" = 'rewritten' WHERE \"Id\" = {entry.Id}"));
        var rechain = await Assert.ThrowsAnyAsync<Exception>(() =>
            db.Database.ExecuteSqlAsync($"UPDATE audit_log SET \"Hash\" = NULL, \"Sequence\" = NULL WHERE \"Id\" = {entry.Id}"));
        var delete = await Assert.ThrowsAnyAsync<Exception>(() =>
            db.Database.ExecuteSqlAsync($"DELETE FROM audit_log WHERE \"Id\" = {entry.Id}"));
        var efDelete = await Assert.ThrowsAnyAsync<Exception>(() => db.AuditEntries.Where(a => a.Id == entry.Id).ExecuteDeleteAsync());

        Assert.All(new[] { update, rechain, delete, efDelete }, e =>
        {
            Assert.True(e is PostgresException or SqliteException, e.ToString());
            Assert.Contains("audit_log is append-only", e.Message);
        });
        await using var check = Database.CreateContext();
        Assert.Equal("kept forever", (await check.AuditEntries.SingleAsync(a => a.Id == entry.Id)).Target);
    }

    [Fact]
    public async Task SynchronousSave_OfAuditEntries_IsRefused_AndOtherSavesWork()
    {
        await using var db = Database.CreateContext();
        db.Tenants.Add(TenantAccount.Create($"Sync {Guid.NewGuid():N}", Now));
        Assert.Equal(1, db.SaveChanges());

        db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "tenant.signed-up", "sync", null, Now));

        Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
    }

    protected async Task<AuditChainPosition> HeadAsync()
    {
        await using var db = Database.CreateContext();
        return await db.ReadHeadAsync(default);
    }

    protected async Task<List<ChainedAuditEntry>> ChainAsync()
    {
        await using var db = Database.CreateContext();
        var entries = await db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).ToListAsync();
        return [.. entries.Select(e => e.ToChained())];
    }

    internal static AuditChainReport Verify(IEnumerable<ChainedAuditEntry> chain, AuditChainPosition head)
    {
        var verifier = new AuditChainVerifier();
        foreach (var entry in chain)
        {
            verifier.Add(entry);
        }

        return verifier.Finish(head.Sequence, head.Hash);
    }
}

public sealed class PostgresAuditChainAppendTests(PostgresOffersDatabase database)
    : AuditChainAppendTests<PostgresOffersDatabase>(database)
{
    [Fact]
    public async Task Truncate_IsRefusedByTheDatabase()
    {
        await using var db = Database.CreateContext();

        var truncate = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("TRUNCATE audit_log"));

        Assert.Contains("audit_log is append-only: TRUNCATE refused", truncate.Message);
    }
}

public sealed class SqliteAuditChainAppendTests(SqliteOffersDatabase database)
    : AuditChainAppendTests<SqliteOffersDatabase>(database);
