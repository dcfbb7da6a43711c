using Microsoft.Net.Http.Headers;

namespace Portal.Web.Infrastructure.Concurrency;

/// <summary>A resource's version as an entity tag (<c>"7"</c>) and back from If-Match.</summary>
public static class ETags
{
    public static string Format(long version) => $"\"{version}\"";

    /// <summary>
    /// The version named by If-Match: null when the header is absent or <c>*</c> (no condition); a tag that is not one
    /// of ours reads as -1, which matches nothing, so the request fails its precondition as RFC 9110 asks.
    /// </summary>
    public static long? ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }

        return EntityTagHeaderValue.TryParseList([header], out var tags) && tags is [var tag]
            && long.TryParse(HeaderUtilities.RemoveQuotes(tag.Tag), out var version)
                ? version
                : -1;
    }

    public static void Write(HttpResponse response, object? result)
    {
        if (result is IValueHttpResult { Value: IVersionedResource resource })
        {
            response.Headers.ETag = Format(resource.Version);
        }
    }
}
