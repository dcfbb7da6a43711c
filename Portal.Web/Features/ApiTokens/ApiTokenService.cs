using Microsoft.EntityFrameworkCore;
using Portal.Core.ApiTokens;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Data;

namespace Portal.Web.Features.ApiTokens;

/// <summary>Issues, lists and revokes a user's own API tokens. Every change is audited in the same save.</summary>
public sealed class ApiTokenService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<ApiTokenDto>> ListAsync(Guid userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var tokens = await db.ApiTokens.AsNoTracking()
            .Where(t => t.UserId == userId && t.Kind == ApiTokenKind.Personal)
            .ToListAsync(ct);
        return [.. tokens.OrderByDescending(t => t.CreatedAt).Select(t => t.ToDto(now))];
    }

    /// <summary>One of the user's personal tokens (never its secret); another user's is "not found".</summary>
    public async Task<ApiTokenDto> GetAsync(Guid userId, Guid tokenId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId && t.Kind == ApiTokenKind.Personal, ct)
            ?? throw new NotFoundException("API token", tokenId);
        return token.ToDto(time.GetUtcNow());
    }

    public async Task<IssuedApiToken> IssuePersonalAsync(
        Guid userId, Guid? tenantId, string name, int expiresInDays, AuditActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (token, secret) = ApiToken.IssuePersonal(userId, name, TimeSpan.FromDays(expiresInDays), now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ApiTokens.AnyAsync(t => t.UserId == userId && t.Name == token.Name && t.RevokedAt == null, ct))
        {
            throw DomainValidationException.For("Name", $"You already have a token named '{token.Name}'.");
        }

        db.ApiTokens.Add(token);
        db.AuditEntries.Add(AuditEntry.Record(actor, "api-token.created", $"api-token:{token.Id} ({token.Name})", tenantId, now));
        await db.SaveChangesAsync(ct);
        return new IssuedApiToken(token.ToDto(now), secret);
    }

    public async Task<IssuedApiToken> IssueSessionAsync(Guid userId, Guid? tenantId, AuditActor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (token, secret) = ApiToken.IssueSession(userId, now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ApiTokens.Add(token);
        db.AuditEntries.Add(AuditEntry.Record(actor, "api-token.session-issued", $"api-token:{token.Id}", tenantId, now));
        await db.SaveChangesAsync(ct);
        return new IssuedApiToken(token.ToDto(now), secret);
    }

    /// <summary>Revokes one of the user's tokens; another user's token is "not found", never "forbidden".</summary>
    public async Task RevokeAsync(Guid userId, Guid? tenantId, Guid tokenId, AuditActor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct)
            ?? throw new NotFoundException("API token", tokenId);
        var now = time.GetUtcNow();
        token.Revoke(now);
        db.AuditEntries.Add(AuditEntry.Record(actor, "api-token.revoked", $"api-token:{token.Id} ({token.Name})", tenantId, now));
        await db.SaveChangesAsync(ct);
    }
}
