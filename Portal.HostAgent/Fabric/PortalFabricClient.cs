using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Fabric;

/// <summary>The portal refused a call for good (bad token, removed host); retrying the same call will not help.</summary>
public sealed class FabricRefusedException(HttpStatusCode status, string detail)
    : Exception($"The portal refused: {(int)status} {detail}")
{
    public HttpStatusCode Status { get; } = status;

    public string Detail { get; } = detail;
}

/// <summary>Calls the portal's agent API (<c>/api/fabric/v1</c>). Transport failures surface as <see cref="HttpRequestException"/>.</summary>
public sealed class PortalFabricClient(IHttpClientFactory http)
{
    public const string HttpClientName = "portal";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken ct)
    {
        using var response = await http.CreateClient(HttpClientName).PostAsJsonAsync(FabricRoutes.Join, request, Json, ct);
        return await ReadAsync<JoinResponse>(response, ct);
    }

    public async Task<HeartbeatResponse> HeartbeatAsync(string credential, HeartbeatRequest request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, FabricRoutes.Heartbeat)
        {
            Content = JsonContent.Create(request, options: Json),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        using var response = await http.CreateClient(HttpClientName).SendAsync(message, ct);
        return await ReadAsync<HeartbeatResponse>(response, ct);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct)
                ?? throw new HttpRequestException("The portal answered with an empty body.");
        }

        var status = (int)response.StatusCode;
        if (status is >= 400 and < 500 && status != (int)HttpStatusCode.TooManyRequests && status != (int)HttpStatusCode.RequestTimeout)
        {
            throw new FabricRefusedException(response.StatusCode, await DetailAsync(response, ct));
        }

        throw new HttpRequestException($"The portal answered {status}.", null, response.StatusCode);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            return problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
