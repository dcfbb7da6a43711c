using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.ApiTokens;
using Portal.Data;
using Portal.Web.Features.Account;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Credentials;

namespace Portal.Web.Features.ApiTokens;

/// <summary>
/// Authenticates <c>Authorization: Bearer tpat_…</c> by the secret's hash, from <see cref="KnownCredentials"/> when it
/// knows the token and from the database otherwise; never redirects.
/// </summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> dbFactory,
    KnownCredentials cache,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    private const string Bearer = "Bearer";

    public static bool HasBearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            && (header.Length == Bearer.Length || header[Bearer.Length] == ' ');
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!HasBearer(Request))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = Request.Headers.Authorization.ToString()[Bearer.Length..].Trim();
        if (!ApiTokenSecret.LooksLikeToken(secret))
        {
            // Not an API token (a host credential, say): another scheme's business, so no failure is logged here.
            return AuthenticateResult.NoResult();
        }

        var hash = ApiTokenSecret.Hash(secret);
        var holder = cache.Find<TokenHolder>(hash) ?? await ReadAsync(hash);

        var now = time.GetUtcNow();
        if (holder is null || !holder.Token.IsActive(now))
        {
            return AuthenticateResult.Fail("The bearer token is unknown, expired or revoked.");
        }

        // A lockout (too many wrong passwords) stops password sign-in only: anyone can cause one, so it must not cut
        // off the user's tokens. A deleted user has no row, and the join in ReadAsync finds no holder.
        var identity = new ClaimsIdentity(SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, holder.Token.UserId.ToString()));
        identity.AddClaim(new Claim(ClaimTypes.Name, holder.UserName));
        identity.AddClaims(holder.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        PortalClaimsFactory.AddPortalClaims(identity, holder.DisplayName, holder.TenantId);
        identity.AddClaim(new Claim(PortalClaims.ApiTokenId, holder.Token.Id.ToString()));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = Bearer;
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message
            ?? (HasBearer(Request) ? "The bearer token is not an API token (tpat_…)."
                : ApiRequests.IsStateChanging(Request)
                    ? "Changes through the API need a bearer token (Authorization: Bearer tpat_…); the sign-in cookie only reads."
                    : null);
        await ApiRequests.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, failure);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiRequests.WriteProblemAsync(Context, StatusCodes.Status403Forbidden);

    private async Task<TokenHolder?> ReadAsync(byte[] hash)
    {
        var generation = cache.Generation;
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);

        // One round trip for the token, its user and the user's roles.
        var holder = await db.ApiTokens.AsNoTracking()
            .Where(t => t.SecretHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new TokenHolder(
                t, u.UserName ?? "", u.DisplayName, u.TenantId,
                db.UserRoles.Where(ur => ur.UserId == u.Id)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name ?? "")
                    .ToList()))
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (holder is not null)
        {
            cache.Store(hash, holder, generation);
        }

        return holder;
    }
}
