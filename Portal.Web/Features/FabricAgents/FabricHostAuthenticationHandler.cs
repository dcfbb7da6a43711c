using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric;
using Portal.Data;
using Portal.Web.Infrastructure;
using Portal.Web.Infrastructure.Credentials;

namespace Portal.Web.Features.FabricAgents;

/// <summary>
/// Authenticates a guarded host's agent by its credential (<c>Authorization: Bearer tphc_…</c>), looked up by hash in
/// <see cref="KnownCredentials"/> and in the database when the cache does not know it. Removing a host makes every
/// portal process forget its credential before the removal answers. Only the agent API uses this scheme; a host
/// principal has no user, tenant or role.
/// </summary>
internal sealed class FabricHostAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> dbFactory,
    KnownCredentials cache)
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
        var host = cache.Find<HostHolder>(hash) ?? await ReadAsync(hash);
        if (host is null)
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

    private async Task<HostHolder?> ReadAsync(byte[] hash)
    {
        var generation = cache.Generation;
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var host = await db.GuardedHosts.AsNoTracking()
            .Where(h => h.CredentialHash == hash && h.State != HostState.Removed)
            .Select(h => new HostHolder(h.Id, h.Name))
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (host is not null)
        {
            cache.Store(hash, host, generation);
        }

        return host;
    }

    public static Guid GetHostId(ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(HostIdClaim) ?? throw new InvalidOperationException("The principal is not a host."));
}
