using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;
using Portal.Data.Idempotency;

namespace Portal.Web.Infrastructure.Idempotency;

/// <summary>
/// Runs a create marked <see cref="IdempotencyMetadata"/> at most once per caller and Idempotency-Key: claims the key
/// (a unique row), runs the request, stores a successful response to replay it, and frees the key when it fails.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store)
{
    private const int MaxStoredBody = 256 * 1024;

    /// <summary>Creates are small; a larger body is refused before it is buffered for hashing.</summary>
    private const int MaxHashedBody = 2 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        var metadata = http.GetEndpoint()?.Metadata.GetMetadata<IdempotencyMetadata>();
        var key = http.Request.Headers[IdempotencyMetadata.HeaderName].ToString();
        var scope = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (metadata is null or { StoredWithResource: true } || key.Length == 0 || scope is null)
        {
            await next(http);
            return;
        }

        key = key.Trim();
        if (key.Length is 0 or > IdempotencyRecord.KeyMaxLength || key.Any(char.IsControl))
        {
            await WriteProblemAsync(http, StatusCodes.Status400BadRequest, "Idempotency-Key is not valid",
                $"An Idempotency-Key is 1 to {IdempotencyRecord.KeyMaxLength} printable characters.");
            return;
        }

        var request = $"{http.Request.Method} {http.Request.Path}";
        if (request.Length > IdempotencyRecord.RequestMaxLength)
        {
            request = request[..IdempotencyRecord.RequestMaxLength];
        }

        var claim = await store.ClaimAsync($"user:{scope}", key, request, await HashAsync(http.Request), http.RequestAborted);
        switch (claim)
        {
            case IdempotencyStore.Replay replay:
                await ReplayAsync(http, replay.Record);
                return;
            case IdempotencyStore.Mismatch mismatch:
                await WriteProblemAsync(http, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                    $"This Idempotency-Key was already used for a different request ({mismatch.Request}); use a new key for a new request.");
                return;
            case IdempotencyStore.InFlight:
                http.Response.Headers.RetryAfter = "1";
                await WriteProblemAsync(http, StatusCodes.Status409Conflict, "Request in progress",
                    "A request with this Idempotency-Key is still being handled; retry when it has finished.");
                return;
            case IdempotencyStore.Claimed claimed:
                await RunAndStoreAsync(http, claimed.RecordId);
                return;
        }
    }

    private async Task RunAndStoreAsync(HttpContext http, Guid recordId)
    {
        var original = http.Response.Body;
        await using var captured = new MemoryStream();
        http.Response.Body = captured;
        var stored = false;
        try
        {
            await next(http);
            var status = http.Response.StatusCode;
            if (status is >= 200 and < 300 && captured.Length <= MaxStoredBody)
            {
                // A response holding a secret (a token shown once) is never stored: a replay gets its Location only.
                var secret = HoldsSecret(http);
                // Not the request's token: the response must be kept even when the client has gone away.
                await store.CompleteAsync(recordId, status, http.Response.Headers.Location.ToString() is { Length: > 0 } location
                        ? location
                        : null,
                    secret ? null : http.Response.ContentType, secret ? [] : captured.ToArray(), CancellationToken.None);
                stored = true;
            }
        }
        finally
        {
            http.Response.Body = original;
            if (!stored)
            {
                await store.ReleaseAsync(recordId, CancellationToken.None);
            }
        }

        captured.Position = 0;
        await captured.CopyToAsync(original, http.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord record)
    {
        if (HoldsSecret(http))
        {
            if (record.Location is not null)
            {
                http.Response.Headers.Location = record.Location;
            }

            await WriteProblemAsync(http, StatusCodes.Status409Conflict, "Already created",
                "This Idempotency-Key already created the resource at Location; its secret was shown once and is not kept. "
                + "Revoke it if the secret was lost, and create another.");
            return;
        }

        http.Response.StatusCode = record.StatusCode!.Value;
        http.Response.Headers[IdempotencyMetadata.ReplayedHeaderName] = "true";
        if (record.Location is not null)
        {
            http.Response.Headers.Location = record.Location;
        }

        if (record.ContentType is not null)
        {
            http.Response.ContentType = record.ContentType;
        }

        if (record.Body is { Length: > 0 } body)
        {
            await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }
    }

    private static bool HoldsSecret(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<NoStoreAttribute>() is not null;

    /// <summary>
    /// Method, path, content type and body. A multipart boundary is random per request, so it is left out: a retry
    /// of the same form by another client instance still matches.
    /// </summary>
    private static async Task<string> HashAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxHashedBody)
        {
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        }

        request.EnableBuffering();
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxHashedBody)
            {
                throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
            }

            body.Write(buffer, 0, read);
        }

        request.Body.Position = 0;

        var bytes = body.ToArray();
        var contentType = request.ContentType ?? "";
        if (MediaTypeHeaderValue.TryParse(contentType, out var mediaType) && mediaType.Boundary.HasValue)
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).ToString();
            bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace(boundary, "", StringComparison.Ordinal));
            contentType = mediaType.MediaType.ToString();
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}\n{contentType}\n"));
        hash.AppendData(bytes);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static ValueTask WriteProblemAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
