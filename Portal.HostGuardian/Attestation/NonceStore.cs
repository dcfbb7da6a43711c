using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Options;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.Attestation;

/// <summary>Issues challenge nonces and consumes each at most once, atomically in the database (so two HGS nodes agree).</summary>
public sealed class NonceStore(HgsDbContext db, IOptions<HgsOptions> options, TimeProvider time)
{
    public async Task<AttestationChallenge> IssueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await DeleteExpiredAsync(cancellationToken);

        var nonce = new IssuedNonce { Nonce = AttestationNonce.Create(), ExpiresAt = now + options.Value.NonceLifetime };
        db.Nonces.Add(nonce);
        await db.SaveChangesAsync(cancellationToken);
        return new AttestationChallenge(nonce.Nonce, nonce.ExpiresAt);
    }

    /// <summary>
    /// Deletes every nonce past its expiry, used or not: an expired nonce is refused anyway, so its row only takes room.
    /// Runs on every challenge and periodically (<see cref="NonceSweeper"/>); returns how many rows went.
    /// </summary>
    public Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Nonces.Where(n => n.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>True exactly once per issued, unexpired nonce; false for unknown, expired or already used ones.</summary>
    public async Task<bool> TryConsumeAsync(byte[] nonce, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var consumed = await db.Nonces
            .Where(n => n.Nonce == nonce && n.UsedAt == null && n.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.UsedAt, now), cancellationToken);
        return consumed == 1;
    }
}
