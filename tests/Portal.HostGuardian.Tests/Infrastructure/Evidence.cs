using System.Net.Http.Json;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Shielding.Guardians;
using Portal.HostAgent.Tpm;

namespace Portal.HostGuardian.Tests.Infrastructure;

/// <summary>Hand-built attestation traffic, for tests that forge, replay or alter what an honest agent would send.</summary>
internal static class Evidence
{
    public static async Task<byte[]> ChallengeAsync(HttpClient client)
    {
        using var response = await client.PostAsync(HgsRoutes.Challenge, null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AttestationChallenge>())!.Nonce;
    }

    public static AttestationRequest Tpm(ITpm tpm, string hostName, byte[] nonce)
    {
        var thumbprint = Thumbprint.Of(tpm.TransportKey.Span);
        var quote = tpm.Quote(nonce, thumbprint);
        return new AttestationRequest(AttestationMode.TpmTrusted, hostName, nonce, tpm.TransportKey.ToArray(),
            Tpm: new TpmEvidence(tpm.EndorsementKey.ToArray(), quote.PcrDigest, quote.CodeIntegrityPolicy, tpm.BootLog, quote.Signature));
    }

    public static async Task<AttestationOutcome> SendAsync(HttpClient client, AttestationRequest request)
    {
        using var response = await client.PostAsJsonAsync(HgsRoutes.Attest, request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AttestationOutcome>())!;
    }

    /// <summary>A key release request for <paramref name="protector"/> with a proof signed by <paramref name="signer"/>'s transport key.</summary>
    public static KeyReleaseRequest Release(byte[] certificate, byte[] protector, ITpm signer, DateTimeOffset now) =>
        new(certificate, protector, null, now, signer.SignWithTransportKey(KeyReleaseProof.SignedBytes(certificate, protector, now)));

    public static async Task<(System.Net.HttpStatusCode Status, string? Refusal, KeyReleaseResponse? Released)> SendAsync(HttpClient client, KeyReleaseRequest request)
    {
        using var response = await client.PostAsJsonAsync(HgsRoutes.KeyRelease, request);
        if (response.IsSuccessStatusCode)
        {
            return (response.StatusCode, null, await response.Content.ReadFromJsonAsync<KeyReleaseResponse>());
        }

        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return (response.StatusCode, problem.TryGetProperty("refusal", out var refusal) ? refusal.GetString() : null, null);
    }
}
