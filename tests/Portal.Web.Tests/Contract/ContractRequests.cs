using System.Net.Http.Json;
using System.Text.Json;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Contract;

/// <summary>Requests with the contract's headers (Idempotency-Key, If-Match) and reading ids out of answers.</summary>
internal static class ContractRequests
{
    public static async Task<HttpClient> TenantAsync(PortalWebFactory factory) =>
        await (await PortalSession.SignUpAsync(factory)).ApiClientAsync(factory);

    public static Task<HttpResponseMessage> SendAsync(
        this HttpClient client, HttpMethod method, string url, object? body = null, string? idempotencyKey = null, string? ifMatch = null) =>
        client.SendAsync(method, url, body is null ? null : JsonContent.Create(body, options: OffersJson.Options), idempotencyKey, ifMatch);

    public static Task<HttpResponseMessage> SendAsync(
        this HttpClient client, HttpMethod method, string url, HttpContent? content, string? idempotencyKey = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    /// <summary>The id of a created resource: <c>id</c>, or <c>token.id</c> for an issued API token.</summary>
    public static async Task<Guid> IdAsync(this HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        return root.TryGetProperty("id", out var id) ? id.GetGuid() : root.GetProperty("token").GetProperty("id").GetGuid();
    }

    public static string ETag(this HttpResponseMessage response) =>
        response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException($"No ETag on {(int)response.StatusCode} {response.RequestMessage?.RequestUri}");
}
