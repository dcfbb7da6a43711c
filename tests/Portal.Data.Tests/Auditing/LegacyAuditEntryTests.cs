using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Auditing;
using Portal.Data.Auditing;
using Portal.Data.Tests.Foundation;
using Portal.Testing;

namespace Portal.Data.Tests.Auditing;

/// <summary>Entries stored before the audit log was chained are linked, oldest first, when the schema is migrated.</summary>
public sealed class LegacyAuditEntryTests
{
    private const string MigrationBeforeTheChain = "HostTpm";

    private static readonly DateTimeOffset Then = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero).AddTicks(1234567);

    [Fact]
    public async Task Postgres_EarlierEntries_AreLinkedInIdOrder_AndNewOnesFollow()
    {
        await using var database = PostgresTestDatabase.New("legacy_audit");
        await AssertLegacyEntriesLinkedAsync(database.CreateContext, at => at);
    }

    [Fact]
    public async Task Sqlite_EarlierEntries_AreLinkedInIdOrder_AndNewOnesFollow()
    {
        using var database = new SqliteTestDatabase();
        var converter = new DateTimeOffsetToBinaryConverter();
        await AssertLegacyEntriesLinkedAsync(database.CreateContext, at => converter.ConvertToProvider(at)!);
    }

    private static async Task AssertLegacyEntriesLinkedAsync(Func<PortalDbContext> create, Func<DateTimeOffset, object> stored)
    {
        await using (var db = create())
        {
            await db.GetService<IMigrator>().MigrateAsync(MigrationBeforeTheChain);
            for (var i = 1; i <= 5; i++)
            {
                // The way the portal stored them then: no place in a chain, times to the database's own precision.
                object? remote = i % 2 == 0 ? "198.51.100.4" : null;
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO audit_log ("At", "ActorId", "ActorName", "TenantId", "Action", "Target", "RemoteAddress")
                    VALUES ({stored(Then.AddMinutes(i))}, {Guid.NewGuid()}, {"legacy " + i}, {(Guid?)null}, {"tenant.signed-up"}, {"legacy target " + i}, {remote})
                    """);
            }
        }

        await new DatabaseMigrator(new Contexts(create), NullLogger<DatabaseMigrator>.Instance).MigrateAsync(default);
        await using (var db = create())
        {
            db.AuditEntries.Add(AuditEntry.Record(AuditActor.System, "plan.published", "after the upgrade", null, Then.AddDays(1)));
            await db.SaveChangesAsync();
        }

        await using var check = create();
        var entries = await check.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).ToListAsync();
        var verifier = new AuditChainVerifier();
        Assert.All(entries, e => Assert.True(verifier.Add(e.ToChained()), verifier.Break?.Message));
        var head = await check.ReadHeadAsync(default);
        Assert.True(verifier.Finish(head.Sequence, head.Hash).Intact);
        Assert.Equal([.. Enumerable.Range(1, 5).Select(i => "legacy target " + i), "after the upgrade"], entries.Select(e => e.Target));
        Assert.Equal(entries.OrderBy(e => e.Id).Select(e => e.Id), entries.Select(e => e.Id));
        Assert.Equal(6, head.Sequence);

        // Migrating again finds nothing to link.
        await new DatabaseMigrator(new Contexts(create), NullLogger<DatabaseMigrator>.Instance).MigrateAsync(default);
        Assert.Equal(head, await check.ReadHeadAsync(default));
    }

    private sealed class Contexts(Func<PortalDbContext> create) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => create();
    }
}
