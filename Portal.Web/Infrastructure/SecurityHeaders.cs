using System.Security.Cryptography;

namespace Portal.Web.Infrastructure;

/// <summary>
/// Response headers every answer carries: no MIME sniffing, no referrer beyond the portal, no framing by other sites.
/// HTML pages get a Content-Security-Policy that allows only the portal's own scripts plus the import map carrying
/// this request's nonce (see docs/decisions/0007-content-security-policy.md for what it allows and why).
/// </summary>
public static class SecurityHeaders
{
    private const string NonceItem = "SecurityHeaders.Nonce";

    // style-src keeps 'unsafe-inline': Fluent UI components and Blazor write style attributes (style="…"), which
    // a nonce cannot cover. Scripts, the dangerous part, stay restricted to the portal's files and the nonce.
    private const string PagePolicy =
        "default-src 'self'; script-src 'self' 'nonce-{0}'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
        + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        + "frame-ancestors 'self'";

    // The API reference page (Scalar) runs inline scripts of its own: it gets the framing protection only.
    private const string ReferencePolicy = "frame-ancestors 'self'";

    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>The nonce this request's page puts on its inline import map.</summary>
    public static string CspNonce(this HttpContext http)
    {
        if (http.Items[NonceItem] is not string nonce)
        {
            nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            http.Items[NonceItem] = nonce;
        }

        return nonce;
    }

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                Apply(http);
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }

    private static void Apply(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "SAMEORIGIN";

        var path = http.Request.Path;
        headers.ContentSecurityPolicy =
            path.StartsWithSegments("/api/reference", StringComparison.OrdinalIgnoreCase) ? ReferencePolicy
            : ApiRequests.IsApi(http.Request) || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase) ? ApiPolicy
            : string.Format(System.Globalization.CultureInfo.InvariantCulture, PagePolicy, http.CspNonce());

        if (http.GetEndpoint()?.Metadata.GetMetadata<NoStoreAttribute>() is not null)
        {
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
        }
    }

    /// <summary>Marks an endpoint whose answers hold secrets (tokens): no cache may keep them.</summary>
    public static TBuilder NoStore<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new NoStoreAttribute());
}

/// <summary>Answers of this endpoint carry <c>Cache-Control: no-store</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class NoStoreAttribute : Attribute;
