using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.HostGuardian.Options;

namespace Portal.HostGuardian.RateLimiting;

/// <summary>
/// Limits the anonymous attestation calls (challenge and attest) per client address: each writes rows to HGS's store,
/// so an unlimited caller could grow it at will. Over the limit HGS answers 429 as ProblemDetails with <c>Retry-After</c>.
/// Its own rejection handler keeps the answer the same whichever app hosts HGS.
/// </summary>
internal sealed class AttestationRateLimitPolicy(IOptions<HgsOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "hgs-attestation";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var settings = options.Value;
        return RateLimitPartition.GetFixedWindowLimiter(ClientPartition.Of(httpContext.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.AttestationPermitLimit,
            Window = settings.AttestationRateWindow,
            QueueLimit = 0,
        });
    }

    private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var settings = options.Value;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : settings.AttestationRateWindow;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many attestation requests.",
                Detail = $"HGS accepts {settings.AttestationPermitLimit} challenge and attest requests per {settings.AttestationRateWindow} " +
                         $"from one address; retry after {seconds} s.",
            },
        });
    }
}
