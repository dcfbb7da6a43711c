using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.Shielding.DataFiles;
using Portal.HostAgent.Fabric;

namespace Portal.HostAgent.Jobs;

/// <summary>Calls the portal's job API as this host (<c>Authorization: Bearer</c> with the credential from the join).</summary>
public sealed class PortalJobClient(IHttpClientFactory http, HostCredentialStore store) : IJobChannel
{
    // The claim is a long poll: the client must outwait the portal's answer by a margin.
    private static readonly TimeSpan ClaimTimeoutMargin = TimeSpan.FromSeconds(15);

    private string? _credential;

    public async Task<JobAssignment?> ClaimAsync(TimeSpan wait, CancellationToken ct)
    {
        var client = http.CreateClient(PortalFabricClient.HttpClientName);
        client.Timeout = wait + ClaimTimeoutMargin;
        using var message = Post(FabricRoutes.ClaimJob, new ClaimJobRequest((int)Math.Ceiling(wait.TotalSeconds)));
        using var response = await client.SendAsync(message, ct);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        await EnsureSuccessAsync(response, ct);
        return await ReadAsync<JobAssignment>(response, ct);
    }

    public Task<LeaseRenewal> ReportStepAsync(Guid jobId, StepReport report, CancellationToken ct) =>
        PostAsync<LeaseRenewal>(FabricRoutes.Job(jobId, "steps"), report, ct);

    public Task<LeaseRenewal> RenewLeaseAsync(Guid jobId, long fencingToken, CancellationToken ct) =>
        PostAsync<LeaseRenewal>(FabricRoutes.Job(jobId, "lease"), new LeaseRenewalRequest(fencingToken), ct);

    public async Task ReportKeyProtectorAsync(Guid jobId, KeyProtectorReport report, CancellationToken ct)
    {
        using var message = Post(FabricRoutes.Job(jobId, "key-protector"), report);
        await SendAsync(message, ct);
    }

    public async Task<byte[]> GetShieldingDataAsync(Guid jobId, long fencingToken, CancellationToken ct)
    {
        using var message = Authorized(new HttpRequestMessage(HttpMethod.Get, FabricRoutes.Job(jobId, "shielding-data")));
        message.Headers.Add(FabricHeaders.FencingToken, fencingToken.ToString(CultureInfo.InvariantCulture));
        using var response = await http.CreateClient(PortalFabricClient.HttpClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
        await EnsureSuccessAsync(response, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > ShieldingDataFile.DefaultMaxBytes)
            {
                throw new InvalidDataException($"The portal sent more than {ShieldingDataFile.DefaultMaxBytes} bytes of shielding data.");
            }
        }

        return buffer.ToArray();
    }

    public async Task CompleteAsync(Guid jobId, JobCompletion completion, CancellationToken ct)
    {
        using var message = Post(FabricRoutes.Job(jobId, "complete"), completion);
        await SendAsync(message, ct);
    }

    private async Task<T> PostAsync<T>(string route, object body, CancellationToken ct)
    {
        using var message = Post(route, body);
        using var response = await SendAsync(message, ct);
        return await ReadAsync<T>(response, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken ct)
    {
        var response = await http.CreateClient(PortalFabricClient.HttpClientName).SendAsync(message, ct);
        try
        {
            await EnsureSuccessAsync(response, ct);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private HttpRequestMessage Post(string route, object body) =>
        Authorized(new HttpRequestMessage(HttpMethod.Post, route) { Content = JsonContent.Create(body, body.GetType(), options: PortalFabricClient.Json) });

    private HttpRequestMessage Authorized(HttpRequestMessage message)
    {
        _credential ??= store.Load()?.Credential
            ?? throw new InvalidOperationException("This host has not joined the fabric yet; it has no credential to claim jobs with.");
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _credential);
        return message;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct) =>
        await response.Content.ReadFromJsonAsync<T>(PortalFabricClient.Json, ct)
            ?? throw new HttpRequestException("The portal answered with an empty body.");

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = response.StatusCode;
        if (status == HttpStatusCode.Conflict)
        {
            throw new LeaseLostException(await DetailAsync(response, ct) is { Length: > 0 } detail ? detail : "The portal says this host no longer holds the job.");
        }

        if ((int)status is >= 400 and < 500 && status is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout))
        {
            throw new FabricRefusedException(status, await DetailAsync(response, ct));
        }

        throw new HttpRequestException($"The portal answered {(int)status}.", null, status);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            return problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
