using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.ApiTokens;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.ApiTokens;

/// <summary>Authenticates <c>Authorization: Bearer tpat_…</c> by the secret's hash; never redirects.</summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> dbFactory,
    UserManager<PortalUser> users,
    IUserClaimsPrincipalFactory<PortalUser> principals,
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
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var token = await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.SecretHash == hash, Context.RequestAborted);
        if (token is null || !token.IsActive(time.GetUtcNow()))
        {
            return AuthenticateResult.Fail("The bearer token is unknown, expired or revoked.");
        }

        var user = await users.FindByIdAsync(token.UserId.ToString());
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return AuthenticateResult.Fail("The token's user cannot sign in.");
        }

        var principal = await principals.CreateAsync(user);
        var identity = new ClaimsIdentity(principal.Claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(PortalClaims.ApiTokenId, token.Id.ToString()));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = Bearer;
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message
            ?? (HasBearer(Request) ? "The bearer token is not an API token (tpat_…)." : null);
        await ApiRequests.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, failure);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiRequests.WriteProblemAsync(Context, StatusCodes.Status403Forbidden);
}
