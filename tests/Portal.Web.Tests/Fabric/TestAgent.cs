using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Fabric;

/// <summary>A host agent as the portal sees it over HTTP: a name, a transport key, and after joining a credential.</summary>
public sealed class TestAgent
{
    private TestAgent(string name, HttpClient client)
    {
        Name = name;
        Client = client;
        using var rsa = RSA.Create(2048);
        TransportKey = rsa.ExportSubjectPublicKeyInfo();
    }

    public string Name { get; }

    public byte[] TransportKey { get; }

    public HttpClient Client { get; }

    public Guid HostId { get; private set; }

    public string Credential { get; private set; } = "";

    public static HostResources Capacity { get; } = new(32, 256, 2048);

    public static TestAgent Named(FabricTestApp app, string? name = null) =>
        new(name ?? $"host-{Guid.NewGuid():N}"[..13], app.Anonymous());

    public static async Task<TestAgent> JoinedAsync(FabricTestApp app, HttpClient admin, string? name = null)
    {
        var agent = Named(app, name);
        var response = await agent.JoinAsync(await app.JoinTokenAsync(admin));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var joined = (await response.Content.ReadFromJsonAsync<JoinResponse>(OffersJson.Options))!;
        agent.HostId = joined.HostId;
        agent.UseCredential(joined.Credential);
        return agent;
    }

    public Task<HttpResponseMessage> JoinAsync(string token) =>
        Client.PostAsJsonAsync(FabricRoutes.Join, new JoinRequest(token, Name, Capacity, "1.0.0", TransportKey), OffersJson.Options);

    public void UseCredential(string credential)
    {
        Credential = credential;
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
    }

    public Task<HttpResponseMessage> BeatAsync(AttestationReport? attestation = null, Guid? claimedHostId = null) =>
        Client.PostAsJsonAsync(FabricRoutes.Heartbeat, new HeartbeatRequest(
            claimedHostId ?? HostId, Capacity, new HostResources(4, 16, 80),
            [new VmReport(Guid.NewGuid(), "vm-1", VmPowerState.Running), new VmReport(Guid.NewGuid(), "vm-2", VmPowerState.Off)],
            attestation, "1.0.0"), OffersJson.Options);

    public async Task<HeartbeatResponse> BeatOkAsync(AttestationReport? attestation = null)
    {
        var response = await BeatAsync(attestation);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<HeartbeatResponse>(OffersJson.Options))!;
    }

    public AttestationReport Passed(byte[] certificate, byte[]? transportKey = null) =>
        new(AttestationStatus.Passed, AttestationSubStatus.None, "Passed", certificate, transportKey ?? TransportKey);

    public AttestationReport Failed(AttestationStatus status, AttestationSubStatus subStatus, string reason) =>
        new(status, subStatus, reason, null, TransportKey);
}
