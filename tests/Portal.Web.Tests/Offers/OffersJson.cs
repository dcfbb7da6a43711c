using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Web.Tests.Offers;

public static class OffersJson
{
    /// <summary>The API writes enums as names.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<T> GetAsync<T>(this HttpClient client, string url) =>
        (await client.GetFromJsonAsync<T>(url, Options))!;

    /// <summary>The items of a list answer's page (<c>{ items, total, nextLink }</c>).</summary>
    public static async Task<List<T>> GetItemsAsync<T>(this HttpClient client, string url) =>
        [.. (await client.GetAsync<Web.Infrastructure.Paging.Page<T>>(url)).Items];

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Options))!;
}
