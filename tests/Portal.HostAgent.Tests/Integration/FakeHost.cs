using System.Net.Http.Headers;
using System.Net.Http.Json;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;

namespace Portal.HostAgent.Tests.Integration;

/// <summary>
/// A host that speaks the agent protocol by hand: joins with a token, beats in the background, and claims only when a
/// test says so — for races a real agent's own claim loop would blur. It never builds anything.
/// </summary>
public sealed class FakeHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HostResources _capacity;
    private Task _beating = Task.CompletedTask;
    private bool _disposed;

    private FakeHost(HttpClient client, Guid hostId, HostResources capacity)
    {
        Client = client;
        HostId = hostId;
        _capacity = capacity;
    }

    /// <summary>Authenticated as this host (<c>Authorization: Bearer</c> with its credential).</summary>
    public HttpClient Client { get; }

    public Guid HostId { get; }

    public static async Task<FakeHost> JoinAsync(FabricFixture fabric, string name, HostResources capacity)
    {
        var client = new HttpClient { BaseAddress = fabric.PortalUrl };
        using var joined = await client.PostAsJsonAsync(FabricRoutes.Join,
            new JoinRequest(await fabric.JoinTokenAsync(), name, capacity, "test", null), FabricFixture.Json);
        Assert.True(joined.IsSuccessStatusCode, await joined.Content.ReadAsStringAsync());
        var membership = (await joined.Content.ReadFromJsonAsync<JoinResponse>(FabricFixture.Json))!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", membership.Credential);
        var host = new FakeHost(client, membership.HostId, capacity);
        await host.BeatAsync(CancellationToken.None);
        host._beating = host.BeatUntilStoppedAsync();
        await fabric.WaitForHostsAsync(hosts => hosts.Any(h => h.Id == host.HostId && h.State == HostState.Active && h.LastHeartbeatAt is not null));
        return host;
    }

    public Task<HttpResponseMessage> ClaimAsync(int waitSeconds) =>
        Client.PostAsJsonAsync(FabricRoutes.ClaimJob, new ClaimJobRequest(waitSeconds), FabricFixture.Json);

    /// <summary>Stops beating (as a host that died would); safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        await _beating;
        _stop.Dispose();
        Client.Dispose();
    }

    // A heartbeat cadence, as an agent keeps one; nothing waits on it.
    private async Task BeatUntilStoppedAsync()
    {
        using var cadence = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
        try
        {
            while (await cadence.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await BeatAsync(_stop.Token);
                }
                catch (HttpRequestException)
                {
                    // The next beat tries again, as an agent would.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task BeatAsync(CancellationToken ct)
    {
        using var response = await Client.PostAsJsonAsync(FabricRoutes.Heartbeat,
            new HeartbeatRequest(HostId, _capacity, HostResources.Zero, [], null, "test"), FabricFixture.Json, ct);
        response.EnsureSuccessStatusCode();
    }
}
