using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Portal.Web.Features.VirtualMachines;

namespace Portal.Bench;

/// <summary>The HTTP benchmarks, each one request against the portal on the same Kestrel server.</summary>
public sealed class PortalScenarios(HttpClient client, BenchTenant reader, BenchTenant writer, BenchTenant lister, BenchOffer offer)
{
    /// <summary>The lister's VM list: one page of all its <see cref="ListedVms"/> VMs.</summary>
    public const int ListedVms = 100;

    public static string VmListPath => $"/api/v1/vms?top={ListedVms}";

    /// <summary>Baseline: the bench's hello endpoint behind the portal's middleware; no token (nothing to authenticate).</summary>
    public BenchOperation Hello => (_, _, ct) => SendAsync(new HttpRequestMessage(HttpMethod.Get, BenchPortal.HelloPath), HttpStatusCode.OK, ct);

    /// <summary>The hello endpoint with the reader's bearer token: what authenticating a token costs on its own.</summary>
    public BenchOperation HelloWithBearer => (_, _, ct) => GetAsync(BenchPortal.HelloPath, ct);

    public BenchOperation ListTokens => (_, _, ct) => GetAsync("/api/v1/tokens", ct);

    public BenchOperation ListSubscriptions => (_, _, ct) => GetAsync("/api/v1/subscriptions", ct);

    /// <summary>The lister tenant's VMs, 100 in one page, with their template, size and unfinished job.</summary>
    public BenchOperation ListVms => (_, _, ct) => GetAsync(VmListPath, lister.BearerToken, ct);

    /// <summary>Each worker creates VMs in its own subscription: reservations do not queue behind each other.</summary>
    public BenchOperation CreateVmOwnSubscription => (worker, sequence, ct) => CreateVmAsync(writer.SubscriptionIds[worker], sequence, ct);

    /// <summary>Every worker creates VMs in one subscription: reservations queue on its row lock.</summary>
    public BenchOperation CreateVmSharedSubscription => (_, sequence, ct) => CreateVmAsync(writer.SubscriptionIds[^1], sequence, ct);

    /// <summary>Fails loudly before measuring if an endpoint does not answer as the benchmarks expect.</summary>
    public async Task CheckAsync(CancellationToken ct)
    {
        var hello = await client.GetStringAsync(BenchPortal.HelloPath, ct);
        if (hello != "Hello World!")
        {
            throw new InvalidOperationException($"{BenchPortal.HelloPath} answered '{hello}', not the bench's hello endpoint.");
        }

        foreach (var check in new[] { ListTokens, ListSubscriptions, ListVms })
        {
            if (await check(0, 0, ct) is { } error)
            {
                throw new InvalidOperationException(error);
            }
        }
    }

    private Task<string?> GetAsync(string path, CancellationToken ct) => GetAsync(path, reader.BearerToken, ct);

    private Task<string?> GetAsync(string path, string bearerToken, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        return SendAsync(request, HttpStatusCode.OK, ct);
    }

    private Task<string?> CreateVmAsync(Guid subscriptionId, long sequence, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vms")
        {
            Content = JsonContent.Create(
                new CreateVmRequest(subscriptionId, $"bench-{sequence}", offer.TemplateId, offer.SizeId, false),
                options: PortalSetup.Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", writer.BearerToken);
        return SendAsync(request, HttpStatusCode.Accepted, ct);
    }

    private async Task<string?> SendAsync(HttpRequestMessage request, HttpStatusCode expected, CancellationToken ct)
    {
        using (request)
        {
            // The whole body is read (HttpCompletionOption.ResponseContentRead), as a real client would.
            using var response = await client.SendAsync(request, ct);
            return response.StatusCode == expected
                ? null
                : $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}";
        }
    }
}
