using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric;
using Portal.Data;
using Portal.Web.Infrastructure;

namespace Portal.Web.Features.FabricAgents;

/// <summary>
/// Authenticates a guarded host's agent by its credential (<c>Authorization: Bearer tphc_…</c>), looked up by hash.
/// Only the agent API uses this scheme; a host principal has no user, tenant or role.
/// </summary>
internal sealed class FabricHostAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> dbFactory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "FabricHost";
    public const string PolicyName = "FabricHost";
    public const string HostIdClaim = "fabric_host_id";
    private const string Bearer = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = header[Bearer.Length..].Trim();
        if (!FabricSecret.LooksLike(secret, FabricSecret.HostCredentialMarker))
        {
            return AuthenticateResult.Fail("The host credential is malformed.");
        }

        var hash = FabricSecret.Hash(secret);
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var host = await db.GuardedHosts.AsNoTracking()
            .Where(h => h.CredentialHash == hash)
            .Select(h => new { h.Id, h.Name, h.State })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (host is null || host.State == HostState.Removed)
        {
            return AuthenticateResult.Fail("The host credential is unknown or the host was removed from the fabric.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(HostIdClaim, host.Id.ToString()), new Claim(ClaimTypes.Name, host.Name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message
            ?? "A host credential is required: join the fabric first.";
        await ApiRequests.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, failure);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiRequests.WriteProblemAsync(Context, StatusCodes.Status403Forbidden);

    public static Guid GetHostId(ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(HostIdClaim) ?? throw new InvalidOperationException("The principal is not a host."));
}
