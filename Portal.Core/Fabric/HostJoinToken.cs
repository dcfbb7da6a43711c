using Portal.Core.Common;

namespace Portal.Core.Fabric;

/// <summary>
/// A one-time secret a provider admin hands to a new host so it can join the fabric. Only its hash is kept;
/// the secret is shown once. Redeeming it marks it used, so a second join with it is refused.
/// </summary>
public sealed class HostJoinToken
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    private HostJoinToken()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The first characters of the secret, safe to display.</summary>
    public string Prefix { get; private set; } = "";

    public byte[] SecretHash { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public Guid? CreatedBy { get; private set; }

    public DateTimeOffset? UsedAt { get; private set; }

    /// <summary>The host that joined with this token.</summary>
    public Guid? HostId { get; private set; }

    public bool IsUsable(DateTimeOffset now) => UsedAt is null && now < ExpiresAt;

    public static (HostJoinToken Token, string Secret) Issue(TimeSpan lifetime, Guid? createdBy, DateTimeOffset now)
    {
        if (lifetime < TimeSpan.FromMinutes(1) || lifetime > MaxLifetime)
        {
            throw DomainValidationException.For("ExpiresInHours", "A join token must expire within 1 minute to 7 days.");
        }

        var secret = FabricSecret.Generate(FabricSecret.JoinTokenMarker);
        var token = new HostJoinToken
        {
            Id = Guid.CreateVersion7(now),
            Prefix = secret[..FabricSecret.DisplayPrefixLength],
            SecretHash = FabricSecret.Hash(secret),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            CreatedBy = createdBy,
        };
        return (token, secret);
    }

    /// <summary>Spends the token for <paramref name="hostId"/>; a used or expired token refuses.</summary>
    public void Redeem(Guid hostId, DateTimeOffset now)
    {
        if (UsedAt is not null)
        {
            throw new StateConflictException("This join token has already been used.");
        }

        if (now >= ExpiresAt)
        {
            throw new StateConflictException("This join token has expired.");
        }

        UsedAt = now;
        HostId = hostId;
    }
}
