using Portal.Core.ApiTokens;

namespace Portal.Web.Features.ApiTokens;

public sealed record ApiTokenDto(
    Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, string Status);

/// <summary>The only moment the secret exists outside the client: the response to its creation.</summary>
public sealed record IssuedApiToken(ApiTokenDto Token, string Secret);

public sealed record CreateApiTokenRequest(string Name, int ExpiresInDays = 90);

internal static class ApiTokenMapping
{
    public static ApiTokenDto ToDto(this ApiToken token, DateTimeOffset now) => new(
        token.Id, token.Name, token.Prefix, token.CreatedAt, token.ExpiresAt, token.RevokedAt,
        token.RevokedAt is not null ? "Revoked" : token.IsActive(now) ? "Active" : "Expired");
}
