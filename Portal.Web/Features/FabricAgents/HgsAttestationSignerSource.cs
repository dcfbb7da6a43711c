using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Fabric;

namespace Portal.Web.Features.FabricAgents;

/// <summary>
/// The pinned key from configuration, or the one HGS publishes at <c>GET /hgs/v1/attestation-signer</c>, cached for a
/// few minutes. HGS being down makes the answer null (hosts' Passed then records as TransientError), never an exception.
/// </summary>
internal sealed class HgsAttestationSignerSource(
    IOptions<FabricOptions> options,
    IHttpClientFactory http,
    IServer server,
    TimeProvider time,
    ILogger<HgsAttestationSignerSource> logger) : IAttestationSignerSource
{
    public const string HttpClientName = "hgs";
    public const string SignerPath = "hgs/v1/attestation-signer";
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _fetch = new(1, 1);
    private byte[]? _cached;
    private DateTimeOffset _validUntil = DateTimeOffset.MinValue;

    public async ValueTask<byte[]?> GetAsync(CancellationToken ct)
    {
        if (options.Value.AttestationSignerKey is { Length: > 0 } pinned)
        {
            return Convert.FromBase64String(pinned);
        }

        if (time.GetUtcNow() < _validUntil)
        {
            return _cached;
        }

        await _fetch.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            if (now < _validUntil)
            {
                return _cached;
            }

            _cached = await FetchAsync(ct);
            _validUntil = now + (_cached is null ? RetryAfterFailure : options.Value.SignerCacheDuration);
            return _cached;
        }
        finally
        {
            _fetch.Release();
        }
    }

    /// <summary>HGS's base address: configured, or the portal's own when HGS runs in-process.</summary>
    public Uri? HgsBaseAddress() => options.Value.HgsUrl ?? OwnAddress(server);

    internal static Uri? OwnAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            return null;
        }

        // Kestrel reports wildcard bindings; the portal can reach itself on loopback.
        var local = address.Replace("://+", "://localhost").Replace("://*", "://localhost")
            .Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://localhost");
        return Uri.TryCreate(local, UriKind.Absolute, out var uri) ? uri : null;
    }

    private async Task<byte[]?> FetchAsync(CancellationToken ct)
    {
        var baseAddress = HgsBaseAddress();
        if (baseAddress is null)
        {
            logger.LogWarning("No HGS address is known (Fabric:HgsUrl is empty and the portal has no address yet)");
            return null;
        }

        try
        {
            var client = http.CreateClient(HttpClientName);
            var answer = await client.GetFromJsonAsync<SignerAnswer>(new Uri(baseAddress, SignerPath), ct);
            return answer?.PublicKey is { Length: > 0 } key ? Convert.FromBase64String(key) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or FormatException
                                      && !ct.IsCancellationRequested)
        {
            logger.LogWarning("HGS at {HgsUrl} did not give its attestation signer: {Error}", baseAddress, e.Message);
            return null;
        }
    }

    private sealed record SignerAnswer(string? PublicKey, string? Thumbprint);
}
