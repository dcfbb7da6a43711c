using Microsoft.EntityFrameworkCore;
using Portal.Core.ApiTokens;
using Portal.Core.Auditing;
using Portal.Core.Tenants;
using Portal.Testing;

namespace Portal.Data.Tests.Foundation;

public sealed class RoundTripTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TenantTokenAndAudit_RoundTripOnPostgres()
    {
        await using var database = PostgresTestDatabase.New("roundtrip");
        await database.MigrateAsync();

        await AssertRoundTripAsync(database.CreateContext, database.CreateContext);
    }

    [Fact]
    public async Task TenantTokenAndAudit_RoundTripOnSqlite()
    {
        using var database = new SqliteTestDatabase();
        await using (var db = database.CreateContext())
        {
            await db.Database.MigrateAsync();
        }

        await AssertRoundTripAsync(database.CreateContext, database.CreateContext);
    }

    private static async Task AssertRoundTripAsync(Func<PortalDbContext> writer, Func<PortalDbContext> reader)
    {
        var tenant = TenantAccount.Create("Contoso Shielded", Now);
        tenant.Suspend(Now.AddMinutes(5));
        var user = new Identity.PortalUser
        {
            Id = Guid.NewGuid(), UserName = "a@contoso.test", Email = "a@contoso.test", TenantId = tenant.Id,
            DisplayName = "A", CreatedAt = Now,
        };
        var (token, secret) = ApiToken.IssuePersonal(user.Id, "ci", TimeSpan.FromDays(30), Now);
        var actor = new AuditActor(user.Id, user.Email, "127.0.0.1");

        await using (var db = writer())
        {
            db.Tenants.Add(tenant);
            db.Users.Add(user);
            db.ApiTokens.Add(token);
            db.AuditEntries.Add(AuditEntry.Record(actor, "tenant.signed-up", "first", tenant.Id, Now));
            db.AuditEntries.Add(AuditEntry.Record(actor, "api-token.created", "second", tenant.Id, Now.AddSeconds(1)));
            await db.SaveChangesAsync();
        }

        await using (var db = reader())
        {
            var loaded = await db.Tenants.SingleAsync(t => t.Id == tenant.Id);
            Assert.Equal("Contoso Shielded", loaded.Name);
            Assert.Equal(TenantState.Suspended, loaded.State);
            Assert.Equal(Now.AddMinutes(5), loaded.SuspendedAt);

            var hash = ApiTokenSecret.Hash(secret);
            var loadedToken = await db.ApiTokens.SingleAsync(t => t.SecretHash == hash);
            Assert.Equal(token.Id, loadedToken.Id);
            Assert.Equal(Now.AddDays(30), loadedToken.ExpiresAt);
            Assert.Equal(ApiTokenKind.Personal, loadedToken.Kind);

            // Ordering by time must work on both providers (SQLite stores DateTimeOffset as a sortable number).
            var actions = await db.AuditEntries.Where(a => a.TenantId == tenant.Id && a.At >= Now)
                .OrderByDescending(a => a.At).Select(a => a.Action).ToListAsync();
            Assert.Equal(["api-token.created", "tenant.signed-up"], actions);
        }
    }
}
