using System.Net.Http.Json;
using Portal.Core.Auditing;
using Portal.Web.Features.ApiTokens;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Audit;

/// <summary>
/// Someone with the table owner's rights changes the audit log behind the portal's back; the verifier names the first
/// broken link. Each test puts the rows back afterwards, and the chain verifies intact again.
/// </summary>
public sealed class AuditChainTamperTests(PortalWebFactory factory) : IClassFixture<PortalWebFactory>, IAsyncLifetime
{
    private HttpClient _admin = default!;
    private ChainedAuditEntry _victim = default!;
    private ChainedAuditEntry _before = default!;

    public async Task InitializeAsync()
    {
        var tenant = await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);
        var marker = $"victim {Guid.NewGuid():N}";
        foreach (var name in new[] { "before", marker, "after 1", "after 2" })
        {
            (await tenant.PostAsJsonAsync("/api/v1/tokens", new CreateApiTokenRequest(name, 30))).EnsureSuccessStatusCode();
        }

        _admin = await AuditChainClient.AdminAsync(factory);
        var chain = (await _admin.ExportAsync()).SelectMany(p => p.Items).ToList();
        _victim = chain.Single(e => e.Target.Contains(marker, StringComparison.Ordinal));
        _before = chain.Single(e => e.Sequence == _victim.Sequence - 1);
        Assert.True((await _admin.VerifyAsync()).Intact);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EditedRow_IsTheFirstBrokenLink()
    {
        await TamperAsync("UPDATE audit_log SET \"Target\" = $1 WHERE \"Id\" = $2", "api-token.created (nothing to see)", _victim.Id);
        var report = await _admin.VerifyAsync();
        await TamperAsync("UPDATE audit_log SET \"Target\" = $1 WHERE \"Id\" = $2", _victim.Target, _victim.Id);

        Assert.False(report.Intact);
        Assert.Equal(new AuditChainBreak(AuditChainProblem.Altered, _victim.Sequence, _victim.Id,
            $"entry {_victim.Sequence}'s hash does not match its contents"), report.Break);
        Assert.Equal(_victim.Sequence - 1, report.Count);
        Assert.True((await _admin.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task EditedTime_ByOneMillisecond_IsFound()
    {
        await TamperAsync("UPDATE audit_log SET \"At\" = $1 WHERE \"Id\" = $2", _victim.At.AddMilliseconds(1), _victim.Id);
        var report = await _admin.VerifyAsync();
        await TamperAsync("UPDATE audit_log SET \"At\" = $1 WHERE \"Id\" = $2", _victim.At, _victim.Id);

        Assert.Equal((AuditChainProblem.Altered, _victim.Sequence), (report.Break!.Problem, report.Break.Sequence));
        Assert.True((await _admin.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task DeletedRow_IsAMissingSequence()
    {
        await TamperAsync($"DELETE FROM audit_log WHERE \"Id\" = {_victim.Id}");
        var report = await _admin.VerifyAsync();
        await TamperAsync("""
            INSERT INTO audit_log ("Id", "At", "ActorId", "ActorName", "TenantId", "Action", "Target", "RemoteAddress", "Sequence", "PreviousHash", "Hash")
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            _victim.Id, _victim.At, (object?)_victim.ActorId ?? DBNull.Value, _victim.ActorName, (object?)_victim.TenantId ?? DBNull.Value,
            _victim.Action, _victim.Target, (object?)_victim.RemoteAddress ?? DBNull.Value, _victim.Sequence, _victim.PreviousHash, _victim.Hash);

        Assert.Equal(AuditChainBreak.Missing(_victim.Sequence, $"sequence {_victim.Sequence} is missing"), report.Break);
        Assert.True((await _admin.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task SwappedRows_BreakTheLinkAtTheFirstOfThem()
    {
        var (a, b) = (_before.Sequence, _victim.Sequence);
        var swap = $"""
            UPDATE audit_log SET "Sequence" = -1 WHERE "Sequence" = {a};
            UPDATE audit_log SET "Sequence" = {a} WHERE "Sequence" = {b};
            UPDATE audit_log SET "Sequence" = {b} WHERE "Sequence" = -1;
            """;
        await TamperAsync(swap);
        var report = await _admin.VerifyAsync();
        await TamperAsync(swap);

        Assert.Equal(new AuditChainBreak(AuditChainProblem.Unlinked, a, _victim.Id, $"entry {a} does not link to entry {a - 1}"), report.Break);
        Assert.True((await _admin.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task InsertedRow_WithAValidHashOfItsOwn_BreaksTheLinkAfterIt()
    {
        var place = _victim.Sequence;
        var forged = new ChainedAuditEntry(place, 0, _victim.At, null, "nobody", null, "tenant.signed-up", "forged", null, _before.Hash, "");
        forged = forged with { Hash = AuditChain.ComputeHash(forged) };
        await TamperAsync($"""
            UPDATE audit_log SET "Sequence" = -("Sequence" + 1) WHERE "Sequence" >= {place};
            UPDATE audit_log SET "Sequence" = -"Sequence" WHERE "Sequence" < 0;
            """);
        await TamperAsync("""
            INSERT INTO audit_log ("At", "ActorName", "Action", "Target", "Sequence", "PreviousHash", "Hash")
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, forged.At, forged.ActorName, forged.Action, forged.Target, forged.Sequence, forged.PreviousHash, forged.Hash);
        var report = await _admin.VerifyAsync();
        await TamperAsync($"""
            DELETE FROM audit_log WHERE "Target" = 'forged';
            UPDATE audit_log SET "Sequence" = -("Sequence" - 1) WHERE "Sequence" > {place};
            UPDATE audit_log SET "Sequence" = -"Sequence" WHERE "Sequence" < 0;
            """);

        Assert.Equal(new AuditChainBreak(AuditChainProblem.Unlinked, place + 1, _victim.Id, $"entry {place + 1} does not link to entry {place}"), report.Break);
        Assert.True((await _admin.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task RowPastTheHead_IsReported()
    {
        var head = await _admin.VerifyAsync();
        var forged = new ChainedAuditEntry(head.HeadSequence + 1, 0, _victim.At, null, "nobody", null, "tenant.signed-up", "past the head", null, head.HeadHash, "");
        forged = forged with { Hash = AuditChain.ComputeHash(forged) };
        await TamperAsync("""
            INSERT INTO audit_log ("At", "ActorName", "Action", "Target", "Sequence", "PreviousHash", "Hash")
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, forged.At, forged.ActorName, forged.Action, forged.Target, forged.Sequence, forged.PreviousHash, forged.Hash);
        var report = await _admin.VerifyAsync();
        await TamperAsync("DELETE FROM audit_log WHERE \"Target\" = 'past the head'");

        Assert.Equal(AuditChainProblem.HeadMismatch, report.Break!.Problem);
        Assert.Equal($"entry {forged.Sequence} lies beyond the chain's head", report.Break.Message);
        Assert.True((await _admin.VerifyAsync()).Intact);
    }

    private Task TamperAsync(string sql, params object[] parameters) => AuditChainClient.TamperAsync(factory, sql, parameters);
}
