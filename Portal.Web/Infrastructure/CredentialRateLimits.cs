using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Web.Infrastructure;

/// <summary>
/// Throttles password guessing where credentials arrive (endpoints marked with <see cref="PolicyName"/>): a fixed
/// window per client address (the named policy) and one per account email (the global limiter, which applies only
/// to those endpoints). A rejected API call gets a 429 ProblemDetails, a rejected form a short page; both say when
/// to try again in <c>Retry-After</c>.
/// </summary>
public static class CredentialRateLimits
{
    public const string PolicyName = "credentials";

    private const string AccountItem = "CredentialRateLimits.Account";
    private const int MaxJsonBytes = 16 * 1024;

    public static WebApplicationBuilder AddCredentialRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CredentialRateLimitOptions>()
            .BindConfiguration(CredentialRateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.PerAddressWindow > TimeSpan.Zero && o.PerAccountWindow > TimeSpan.Zero,
                "RateLimits:Credentials windows must be longer than zero.")
            .ValidateOnStart();

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(PolicyName, http => HttpMethods.IsPost(http.Request.Method)
                ? Window($"address:{http.Connection.RemoteIpAddress}", http, l => (l.PerAddressPermits, l.PerAddressWindow))
                : RateLimitPartition.GetNoLimiter(""));
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => http.Items[AccountItem] is string account
                ? Window($"account:{account}", http, l => (l.PerAccountPermits, l.PerAccountWindow))
                : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = RejectAsync;
        });
        return builder;
    }

    /// <summary>Reads the email of a credential post before the limiter runs, then applies the limits.</summary>
    public static WebApplication UseCredentialRateLimits(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method)
                && http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>() is { PolicyName: PolicyName })
            {
                http.Items[AccountItem] = Normalize(await ReadEmailAsync(http.Request, http.RequestAborted));
            }

            await next(http);
        });
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Window(
        string key, HttpContext http, Func<CredentialRateLimitOptions, (int Permits, TimeSpan Window)> pick)
    {
        var (permits, window) = pick(http.RequestServices.GetRequiredService<IOptions<CredentialRateLimitOptions>>().Value);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        });
    }

    private static string? Normalize(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToUpperInvariant();

    // The sign-in and sign-up forms post Input.Email; the token endpoint takes JSON with "email".
    private static async Task<string?> ReadEmailAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            return (await request.ReadFormAsync(ct))["Input.Email"].ToString();
        }

        if (!request.HasJsonContentType())
        {
            return null;
        }

        request.EnableBuffering();
        var buffer = new byte[MaxJsonBytes + 1];
        var length = await request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        request.Body.Position = 0;
        if (length > MaxJsonBytes)
        {
            return "(oversized request)";
        }

        try
        {
            using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
            string? email = null;
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                // Like the JSON binder: names match case-insensitively and the last duplicate wins.
                foreach (var property in json.RootElement.EnumerateObject())
                {
                    if (property.NameEquals("email") || string.Equals(property.Name, "email", StringComparison.OrdinalIgnoreCase))
                    {
                        email = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    }
                }
            }

            return email;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = $"Too many sign-in attempts from this address or for this account. Try again in {Wait(seconds)}.";
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CredentialRateLimits))
            .LogWarning("Credential attempts throttled on {Path} from {Address}", http.Request.Path.Value, http.Connection.RemoteIpAddress);

        if (ApiRequests.IsApi(http.Request))
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many attempts",
                    Detail = detail,
                },
            });
            return;
        }

        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Too many attempts · TenantPortal</title></head>
            <body><main><h1>Too many attempts</h1><p role="alert" data-testid="rate-limited">{WebUtility.HtmlEncode(detail)}</p>
            <p><a href="/account/sign-in">Back to sign-in</a></p></main></body></html>
            """, ct);
    }

    private static string Wait(int seconds) => seconds switch
    {
        < 90 => $"{seconds} seconds",
        _ => $"{(seconds + 59) / 60} minutes",
    };
}
