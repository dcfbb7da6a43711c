using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding.Guardians;
using Portal.HostAgent.Tpm;

namespace Portal.HostAgent.Attestation;

/// <summary>
/// Releases VM keys through HGS for this host: refuses before sending anything when the host is not healthy, proves
/// possession of the transport key, and unwraps the answer with it — a key wrapped for anyone else is refused.
/// </summary>
public sealed class KeyReleaseClient(
    IHostHealth health,
    HostTransportKey transportKey,
    IHttpClientFactory http,
    IOptions<HostAttestationOptions> options,
    TimeProvider time,
    ILogger<KeyReleaseClient> logger) : IKeyReleaseClient
{
    public Task<byte[]> ReleaseKeyProtectorAsync(byte[] keyProtector, CancellationToken cancellationToken) =>
        ReleaseAsync(keyProtector, isKeyProtector: true, cancellationToken);

    public Task<byte[]> ReleaseShieldingDataKeyAsync(byte[] shieldingDataFile, CancellationToken cancellationToken) =>
        ReleaseAsync(shieldingDataFile, isKeyProtector: false, cancellationToken);

    private async Task<byte[]> ReleaseAsync(byte[] blob, bool isKeyProtector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var now = time.GetUtcNow();
        var current = health.Current;
        if (current is null || !current.IsHealthyAt(now) || current.HealthCertificate is not { } certificate)
        {
            throw new KeyReleaseRefusedException(KeyReleaseRefusal.NotHealthy,
                $"This host has no valid health certificate ({current?.Status.ToString() ?? "never attested"}: {current?.Reason ?? "attest first"}); no key is requested.");
        }

        var proof = transportKey.Sign(KeyReleaseProof.SignedBytes(certificate, blob, now));
        var request = new KeyReleaseRequest(certificate, isKeyProtector ? blob : null, isKeyProtector ? null : blob, now, proof);
        KeyReleaseResponse response;
        try
        {
            response = await new HgsClient(http.CreateClient(HgsClient.HttpClientName)).ReleaseAsync(request, cancellationToken);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var timeout = options.Value.HgsTimeout;
            logger.LogWarning("HGS did not answer a key release within {Timeout}", timeout);
            throw new KeyReleaseRefusedException(KeyReleaseRefusal.Unavailable,
                $"HGS did not answer within {timeout.TotalSeconds:0.###} seconds (HostAgent:HgsTimeout); no key was released.");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            logger.LogWarning("HGS could not be reached for a key release: {Error}", e.Message);
            throw new KeyReleaseRefusedException(KeyReleaseRefusal.Unavailable, $"HGS could not be reached; no key was released: {e.Message}");
        }

        if (!Thumbprint.AreEqual(response.TransportKeyThumbprint, health.TransportKeyThumbprint))
        {
            throw new KeyReleaseRefusedException(KeyReleaseRefusal.TransportKeyMismatch, "HGS wrapped the key for another transport key than this host's.");
        }

        var key = transportKey.Unwrap(response.WrappedKey);
        if (key is null)
        {
            throw new KeyReleaseRefusedException(KeyReleaseRefusal.TransportKeyMismatch, "The released key does not unwrap with this host's transport key.");
        }

        logger.LogInformation("HGS released a {Kind} key to this host", isKeyProtector ? "key protector" : "shielding data");
        return key;
    }
}
