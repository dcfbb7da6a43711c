using Portal.Core.Common;

namespace Portal.Core.ApiTokens;

/// <summary>
/// A bearer credential for the API. Only a SHA-256 hash of the secret is kept; the secret itself is shown once.
/// </summary>
public sealed class ApiToken
{
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxPersonalLifetime = TimeSpan.FromDays(366);

    private ApiToken()
    {
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    public string Name { get; private set; } = "";

    public ApiTokenKind Kind { get; private set; }

    /// <summary>The first characters of the secret, safe to display so a person can tell tokens apart.</summary>
    public string Prefix { get; private set; } = "";

    public byte[] SecretHash { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public static (ApiToken Token, string Secret) IssuePersonal(
        Guid userId, string name, TimeSpan lifetime, DateTimeOffset now)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > MaxPersonalLifetime)
        {
            throw DomainValidationException.For("ExpiresInDays", "A token must expire within 1 to 366 days.");
        }

        return Issue(userId, Guard.Text(name, "Name", 1, 100), ApiTokenKind.Personal, lifetime, now);
    }

    public static (ApiToken Token, string Secret) IssueSession(Guid userId, DateTimeOffset now) =>
        Issue(userId, "Command-line session", ApiTokenKind.Session, SessionLifetime, now);

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;

    public void Revoke(DateTimeOffset now)
    {
        if (RevokedAt is not null)
        {
            throw new StateConflictException($"Token '{Name}' is already revoked.");
        }

        RevokedAt = now;
    }

    private static (ApiToken, string) Issue(
        Guid userId, string name, ApiTokenKind kind, TimeSpan lifetime, DateTimeOffset now)
    {
        var secret = ApiTokenSecret.Generate();
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Name = name,
            Kind = kind,
            Prefix = secret[..ApiTokenSecret.DisplayPrefixLength],
            SecretHash = ApiTokenSecret.Hash(secret),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        return (token, secret);
    }
}
