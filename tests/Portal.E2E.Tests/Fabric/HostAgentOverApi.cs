using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Web.Features.Fabric;

namespace Portal.E2E.Tests.Fabric;

/// <summary>A guarded host as the portal sees it: joins with a token from the admin API and beats over HTTP.</summary>
public sealed class HostAgentOverApi : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly HttpClient _client;
    private readonly RSA _transport = RSA.Create(2048);
    private Guid _hostId;

    private HostAgentOverApi(Uri portal, string name)
    {
        _client = new HttpClient { BaseAddress = portal };
        Name = name;
    }

    public string Name { get; }

    public static async Task<HostAgentOverApi> JoinAsync(FabricPortalFixture portal, HttpClient admin, string name)
    {
        var issued = await (await admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1)))
            .Content.ReadFromJsonAsync<IssuedJoinToken>(Json);
        var agent = new HostAgentOverApi(portal.BaseAddress, name);
        var response = await agent._client.PostAsJsonAsync(FabricRoutes.Join,
            new JoinRequest(issued!.Token, name, new HostResources(32, 256, 4096), "1.0.0", agent._transport.ExportSubjectPublicKeyInfo()), Json);
        response.EnsureSuccessStatusCode();
        var joined = (await response.Content.ReadFromJsonAsync<JoinResponse>(Json))!;
        agent._hostId = joined.HostId;
        agent._client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", joined.Credential);
        return agent;
    }

    public Task BeatPassedAsync(ECDsa hgsSigner) =>
        BeatAsync(new AttestationReport(AttestationStatus.Passed, AttestationSubStatus.None, "Passed",
            HealthCertificate.Issue(Guid.NewGuid(), Guid.NewGuid(), Name, _transport.ExportSubjectPublicKeyInfo(), AttestationMode.TpmTrusted,
                DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(8), hgsSigner).ToArray(),
            _transport.ExportSubjectPublicKeyInfo()));

    public Task BeatFailedAsync(AttestationStatus status, AttestationSubStatus subStatus, string reason) =>
        BeatAsync(new AttestationReport(status, subStatus, reason, null, _transport.ExportSubjectPublicKeyInfo()));

    public void Dispose()
    {
        _client.Dispose();
        _transport.Dispose();
    }

    private async Task BeatAsync(AttestationReport attestation)
    {
        var response = await _client.PostAsJsonAsync(FabricRoutes.Heartbeat, new HeartbeatRequest(
            _hostId, new HostResources(32, 256, 4096), new HostResources(12, 96, 1200),
            [new VmReport(Guid.NewGuid(), "web-01", VmPowerState.Running), new VmReport(Guid.NewGuid(), "db-01", VmPowerState.Running),
             new VmReport(Guid.NewGuid(), "build-01", VmPowerState.Off)],
            attestation, "1.0.0"), Json);
        response.EnsureSuccessStatusCode();
    }
}
