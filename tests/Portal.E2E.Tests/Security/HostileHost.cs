using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Web.Features.Fabric;

namespace Portal.E2E.Tests.Security;

/// <summary>
/// A guarded host whose agent says whatever it likes about itself and its jobs (a compromised host could): it joins,
/// beats, claims jobs and reports steps and errors over the agent API, carrying the text it is given.
/// </summary>
public sealed class HostileHost : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly HostResources Capacity = new(32, 256, 4096);

    private readonly HttpClient _client;
    private readonly RSA _transport = RSA.Create(2048);
    private readonly string _agentVersion;
    private Guid _hostId;

    private HostileHost(Uri portal, string name, string agentVersion)
    {
        _client = new HttpClient { BaseAddress = portal };
        Name = name;
        _agentVersion = agentVersion;
    }

    public string Name { get; }

    /// <summary>The answer to a join with these words, for fields the portal should refuse.</summary>
    public static async Task<HttpResponseMessage> TryJoinAsync(Uri portal, HttpClient admin, string name, string agentVersion)
    {
        using var client = new HttpClient { BaseAddress = portal };
        using var transport = RSA.Create(2048);
        return await client.PostAsJsonAsync(FabricRoutes.Join,
            new JoinRequest(await JoinTokenAsync(admin), name, Capacity, agentVersion, transport.ExportSubjectPublicKeyInfo()), Json);
    }

    public static async Task<HostileHost> JoinAsync(Uri portal, HttpClient admin, string name, string agentVersion)
    {
        var host = new HostileHost(portal, name, agentVersion);
        var response = await host._client.PostAsJsonAsync(FabricRoutes.Join,
            new JoinRequest(await JoinTokenAsync(admin), name, Capacity, agentVersion, host._transport.ExportSubjectPublicKeyInfo()), Json);
        Assert.True(response.IsSuccessStatusCode, $"join: {await response.Content.ReadAsStringAsync()}");
        var joined = (await response.Content.ReadFromJsonAsync<JoinResponse>(Json))!;
        host._hostId = joined.HostId;
        host._client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", joined.Credential);
        return host;
    }

    public Task BeatPassedAsync(ECDsa hgsSigner, HypervisorReport hypervisor, string tpm) =>
        BeatAsync(new AttestationReport(AttestationStatus.Passed, AttestationSubStatus.None, "Passed",
            HealthCertificate.Issue(Guid.NewGuid(), Guid.NewGuid(), Name, _transport.ExportSubjectPublicKeyInfo(), AttestationMode.TpmTrusted,
                DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(8), hgsSigner).ToArray(),
            _transport.ExportSubjectPublicKeyInfo()), hypervisor, tpm);

    public Task BeatFailedAsync(string reason, HypervisorReport hypervisor, string tpm) =>
        BeatAsync(new AttestationReport(AttestationStatus.InsecureHostConfiguration, AttestationSubStatus.SecureBoot, reason, null,
            _transport.ExportSubjectPublicKeyInfo()), hypervisor, tpm);

    /// <summary>Waits (long-polling) for the next job placed on this host.</summary>
    public async Task<JobAssignment> ClaimAsync()
    {
        var response = await _client.PostAsJsonAsync(FabricRoutes.ClaimJob, new ClaimJobRequest(30), Json);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"claim: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JobAssignment>(Json))!;
    }

    public Task ReportStepAsync(JobAssignment job, JobStepKind step, JobStepState state, string message) =>
        PostAsync(FabricRoutes.Job(job.JobId, "steps"), new StepReport(job.FencingToken, step, state, message));

    public Task CompleteAsync(JobAssignment job, JobError? error) =>
        PostAsync(FabricRoutes.Job(job.JobId, "complete"), new JobCompletion(job.FencingToken, error is null, error, Retryable: false));

    public void Dispose()
    {
        _client.Dispose();
        _transport.Dispose();
    }

    private static async Task<string> JoinTokenAsync(HttpClient admin)
    {
        var response = await admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IssuedJoinToken>(Json))!.Token;
    }

    private Task BeatAsync(AttestationReport attestation, HypervisorReport hypervisor, string tpm) =>
        PostAsync(FabricRoutes.Heartbeat, new HeartbeatRequest(_hostId, Capacity, HostResources.Zero, [], attestation, _agentVersion, hypervisor, tpm));

    private async Task PostAsync(string path, object body)
    {
        var response = await _client.PostAsJsonAsync(path, body, Json);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {await response.Content.ReadAsStringAsync()}");
    }
}
