using System.Net.Http.Json;
using System.Text.Json;
using Portal.Core.Attestation;
using Portal.Core.Attestation.Protocol;

namespace Portal.HostAgent.Attestation;

/// <summary>The agent's HTTP client of HGS (<c>/hgs/v1</c>). Transport failures surface as <see cref="HttpRequestException"/>.</summary>
public sealed class HgsClient(HttpClient http)
{
    /// <summary>Name of the HttpClient registered for HGS.</summary>
    public const string HttpClientName = "hgs";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AttestationChallenge> ChallengeAsync(CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(HgsRoutes.Challenge.TrimStart('/'), content: null, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await ReadAsync<AttestationChallenge>(response, cancellationToken);
    }

    public async Task<AttestationOutcome> AttestAsync(AttestationRequest request, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(HgsRoutes.Attest.TrimStart('/'), request, Json, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await ReadAsync<AttestationOutcome>(response, cancellationToken);
    }

    /// <summary>Asks HGS for a credential for the AK; HGS's refusals become <see cref="HgsRefusedException"/> with its reason.</summary>
    public async Task<ActivationChallenge> BeginActivationAsync(ActivationRequest request, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(HgsRoutes.Activation.TrimStart('/'), request, Json, cancellationToken);
        await ThrowIfRefusedAsync(response, cancellationToken);
        return await ReadAsync<ActivationChallenge>(response, cancellationToken);
    }

    /// <summary>Answers an activation with the secret the TPM recovered.</summary>
    public async Task CompleteActivationAsync(Guid id, ActivationAnswer answer, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync($"{HgsRoutes.Activation.TrimStart('/')}/{id}", answer, Json, cancellationToken);
        await ThrowIfRefusedAsync(response, cancellationToken);
    }

    /// <summary>Asks for a key; HGS's refusals become <see cref="KeyReleaseRefusedException"/> with HGS's reason.</summary>
    public async Task<KeyReleaseResponse> ReleaseAsync(KeyReleaseRequest request, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(HgsRoutes.KeyRelease.TrimStart('/'), request, Json, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return await ReadAsync<KeyReleaseResponse>(response, cancellationToken);
        }

        var problem = await TryReadProblemAsync(response, cancellationToken);
        var refusal = problem?.Refusal is { } name && Enum.TryParse<KeyReleaseRefusal>(name, out var parsed) ? parsed : KeyReleaseRefusal.Unavailable;
        throw new KeyReleaseRefusedException(refusal, $"HGS refused the key release ({(int)response.StatusCode}): {problem?.Detail ?? problem?.Title ?? response.ReasonPhrase}");
    }

    // A 4xx is HGS's answer about this host (refused, malformed, unknown); a 5xx or a 429 is HGS failing, to retry.
    private static async Task ThrowIfRefusedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        if ((int)response.StatusCode is >= 400 and < 500 and not 429)
        {
            var problem = await TryReadProblemAsync(response, cancellationToken);
            throw new HgsRefusedException((int)response.StatusCode, problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "refused");
        }

        response.EnsureSuccessStatusCode();
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
        ?? throw new HttpRequestException($"HGS answered {(int)response.StatusCode} with an empty body.");

    private static async Task<RefusalProblem?> TryReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<RefusalProblem>(Json, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record RefusalProblem(string? Title, string? Detail, string? Refusal);
}

/// <summary>HGS answered a request about this host with a refusal (4xx); <see cref="Exception.Message"/> is HGS's reason.</summary>
public sealed class HgsRefusedException(int status, string reason) : Exception(reason)
{
    public int Status { get; } = status;
}
