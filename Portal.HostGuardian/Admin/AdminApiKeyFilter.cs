using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation.Protocol;
using Portal.HostGuardian.Options;

namespace Portal.HostGuardian.Admin;

/// <summary>
/// HGS's admin trust domain: a request needs the admin API key (header X-Hgs-Admin-Key). Separate from the portal's
/// sign-in on purpose — a provider admin is not an HGS admin. Compared as SHA-256 hashes in fixed time.
/// </summary>
internal sealed class AdminApiKeyFilter(IOptions<HgsOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = options.Value.AdminApiKey;
        if (string.IsNullOrEmpty(configured))
        {
            return TypedResults.Problem(title: "The HGS admin API is disabled.", detail: "Set Hgs:AdminApiKey to enable it.", statusCode: StatusCodes.Status403Forbidden);
        }

        var presented = context.HttpContext.Request.Headers[HgsRoutes.AdminKeyHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(configured))))
        {
            return TypedResults.Problem(title: "HGS admin key missing or wrong.", statusCode: StatusCodes.Status401Unauthorized);
        }

        return await next(context);
    }
}
