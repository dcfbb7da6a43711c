using System.Net.Http.Json;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Evidence;
using Portal.Core.Attestation.Protocol;
using Portal.Core.Attestation.MeasuredBoot;
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

    /// <summary>What an honest agent sends: the quote over the nonce and its transport key, the PCRs, the log.</summary>
    public static async Task<AttestationRequest> TpmAsync(TestAgent agent, string hostName, byte[] nonce)
    {
        var tpm = agent.Tpm;
        await tpm.InitializeAsync(CancellationToken.None);
        var quote = await tpm.QuoteAsync(QuoteQualifyingData.For(nonce, agent.Transport.Thumbprint), PolicyPcrs.Quoted, CancellationToken.None);
        return new AttestationRequest(AttestationMode.TpmTrusted, hostName, nonce, agent.Transport.PublicKey.ToArray(),
            Tpm: new TpmEvidence(tpm.EndorsementKey.ToArray(), tpm.AttestationKey.ToArray(), quote.Attestation, quote.Signature, quote.Pcrs, tpm.EventLog.ToArray()));
    }

    public static async Task<AttestationOutcome> SendAsync(HttpClient client, AttestationRequest request)
    {
        using var response = await client.PostAsJsonAsync(HgsRoutes.Attest, request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AttestationOutcome>())!;
    }

    /// <summary>A key release request for <paramref name="protector"/> with a proof signed by <paramref name="signer"/>'s transport key.</summary>
    public static KeyReleaseRequest Release(byte[] certificate, byte[] protector, HostTransportKey signer, DateTimeOffset now) =>
        new(certificate, protector, null, now, signer.Sign(KeyReleaseProof.SignedBytes(certificate, protector, now)));

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
