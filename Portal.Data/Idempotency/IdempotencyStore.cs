using Microsoft.EntityFrameworkCore;

namespace Portal.Data.Idempotency;

/// <summary>The SQL of Idempotency-Key records: claim a key, store the response, release it, sweep expired ones.</summary>
public sealed class IdempotencyStore(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>How long a key is held while its first request runs; a request that died leaves it free again after this.</summary>
    public static readonly TimeSpan PendingFor = TimeSpan.FromMinutes(5);

    /// <summary>How long a completed response is replayed.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    public abstract record Claim;

    /// <summary>The key is this request's: run it, then <see cref="CompleteAsync"/> or <see cref="ReleaseAsync"/>.</summary>
    public sealed record Claimed(Guid RecordId) : Claim;

    /// <summary>The same request ran before under this key: answer with its response.</summary>
    public sealed record Replay(IdempotencyRecord Record) : Claim;

    /// <summary>The same request is still running under this key.</summary>
    public sealed record InFlight : Claim;

    /// <summary>The key was used for a different request.</summary>
    public sealed record Mismatch(string Request) : Claim;

    public async Task<Claim> ClaimAsync(string scope, string key, string request, string requestHash, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();

        // An expired record (an old response, or a request that never finished) no longer holds the key.
        await db.IdempotencyRecords.Where(r => r.Scope == scope && r.Key == key && r.ExpiresAt < now).ExecuteDeleteAsync(ct);

        var record = new IdempotencyRecord
        {
            Id = Guid.CreateVersion7(now),
            Scope = scope,
            Key = key,
            Request = request,
            RequestHash = requestHash,
            CreatedAt = now,
            ExpiresAt = now + PendingFor,
        };
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
            return new Claimed(record.Id);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
        }

        var existing = await db.IdempotencyRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Scope == scope && r.Key == key, ct);
        return existing switch
        {
            // Released between our insert and this read: the caller may simply retry.
            null or { StatusCode: null } => new InFlight(),
            _ when existing.RequestHash != requestHash => new Mismatch(existing.Request),
            _ => new Replay(existing),
        };
    }

    public async Task CompleteAsync(
        Guid recordId, int statusCode, string? location, string? contentType, byte[] body, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var expiresAt = time.GetUtcNow() + KeptFor;
        await db.IdempotencyRecords.Where(r => r.Id == recordId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.StatusCode, statusCode)
            .SetProperty(r => r.Location, location)
            .SetProperty(r => r.ContentType, contentType)
            .SetProperty(r => r.Body, body)
            .SetProperty(r => r.ExpiresAt, expiresAt), ct);
    }

    /// <summary>Frees the key after a failed request, so the client can retry with it.</summary>
    public async Task ReleaseAsync(Guid recordId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.IdempotencyRecords.Where(r => r.Id == recordId).ExecuteDeleteAsync(ct);
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        return await db.IdempotencyRecords.Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }
}
