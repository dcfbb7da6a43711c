using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.HostGuardian.Options;
using Portal.HostGuardian.RateLimiting;
using Portal.HostGuardian.Store;

namespace Portal.HostGuardian.AdminPages;

/// <summary>What a sign-in attempt with the HGS admin key came to.</summary>
public enum HgsSignInOutcome
{
    SignedIn,
    WrongKey,
    TooManyAttempts,
    AdminUiOff,
}

/// <summary>
/// The standalone HGS admin's sign-in: the admin key (<c>Hgs:AdminApiKey</c>) compared as SHA-256 hashes in fixed time,
/// at most <see cref="AttemptsPerMinute"/> attempts per client address a minute, every attempt audited in HGS's audit.
/// Registered only where HGS runs standalone; its absence tells the pages that the host app signs people in.
/// </summary>
public sealed class HgsAdminSignIn(IOptions<HgsOptions> options, IServiceScopeFactory scopes, TimeProvider time) : IDisposable
{
    public const int AttemptsPerMinute = 10;

    private readonly PartitionedRateLimiter<string> _attempts = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = AttemptsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>False when no admin key is configured: the admin UI is off, like the admin API.</summary>
    public bool Enabled => !string.IsNullOrEmpty(options.Value.AdminApiKey);

    public async Task<HgsSignInOutcome> CheckAsync(string? presented, IPAddress? client, CancellationToken cancellationToken)
    {
        var configured = options.Value.AdminApiKey;
        if (string.IsNullOrEmpty(configured))
        {
            return HgsSignInOutcome.AdminUiOff;
        }

        var address = ClientPartition.Of(client);
        using var lease = _attempts.AttemptAcquire(address);
        if (!lease.IsAcquired)
        {
            await AuditAsync(address, "Refused", "too many attempts", cancellationToken);
            return HgsSignInOutcome.TooManyAttempts;
        }

        var matches = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? "")), SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
        await AuditAsync(address, matches ? "Succeeded" : "Refused", matches ? null : "wrong admin key", cancellationToken);
        return matches ? HgsSignInOutcome.SignedIn : HgsSignInOutcome.WrongKey;
    }

    public async Task AuditSignOutAsync(IPAddress? client, CancellationToken cancellationToken) =>
        await AuditAsync(ClientPartition.Of(client), "Succeeded", null, cancellationToken, action: "admin-ui.sign-out");

    public void Dispose() => _attempts.Dispose();

    private async Task AuditAsync(string address, string outcome, string? detail, CancellationToken cancellationToken, string action = "admin-ui.sign-in")
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HgsDbContext>();
        db.Audit.Add(new HgsAuditEntry
        {
            At = time.GetUtcNow(),
            Actor = outcome == "Succeeded" ? "admin" : "anonymous",
            Action = action,
            Subject = address,
            Outcome = outcome,
            Detail = detail,
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
