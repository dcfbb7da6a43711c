using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Web.Features.Fabric;

namespace Portal.Bench;

/// <summary>
/// A host agent speaking the real protocol over HTTP, doing no work: it joins with a one-time token, beats so the host
/// is Active, then claims, reports one step and completes each job placed on it at once.
/// </summary>
public sealed class BenchAgent(HttpClient client, string name, Guid hostId, string credential)
{
    /// <summary>Room for thousands of bench VMs (1 vCPU, 1 GiB, 40 GiB each), so placement never waits for capacity.</summary>
    public static HostResources Capacity { get; } = new(HostResources.MaxVcpus, HostResources.MaxMemoryGiB, HostResources.MaxStorageGiB);

    public string Name => name;

    public Guid HostId => hostId;

    public static async Task<BenchAgent> JoinAsync(HttpClient client, HttpClient admin, string name, CancellationToken ct)
    {
        var token = await PortalSetup.CreatedAsync<IssuedJoinToken>(
            await admin.PostAsJsonAsync("/api/admin/v1/fabric/join-tokens", new CreateJoinTokenRequest(1), PortalSetup.Json, ct), ct);
        var response = await client.PostAsJsonAsync(FabricRoutes.Join,
            new JoinRequest(token.Token, name, Capacity, "bench", null), PortalSetup.Json, ct);
        await PortalSetup.EnsureAsync(response, HttpStatusCode.OK, ct);
        var joined = (await response.Content.ReadFromJsonAsync<JoinResponse>(PortalSetup.Json, ct))!;
        return new BenchAgent(client, name, joined.HostId, joined.Credential);
    }

    public async Task BeatAsync(CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, FabricRoutes.Heartbeat,
            new HeartbeatRequest(hostId, Capacity, HostResources.Zero, [], null, "bench"));
        using var response = await client.SendAsync(request, ct);
        await PortalSetup.EnsureAsync(response, HttpStatusCode.OK, ct);
    }

    /// <summary>
    /// One claim as the real agent sends it: the portal holds it open up to <paramref name="wait"/> for a job placed on
    /// this host. Answers the status (204 when none came); the job of a 200 is left to its lease.
    /// </summary>
    public async Task<HttpStatusCode> ClaimAsync(TimeSpan wait, CancellationToken ct)
    {
        using var claim = Request(HttpMethod.Post, FabricRoutes.ClaimJob, new ClaimJobRequest((int)Math.Ceiling(wait.TotalSeconds)));
        using var response = await client.SendAsync(claim, ct);
        return response.StatusCode;
    }

    /// <summary>
    /// Claims (no wait), reports the first step done and completes; null when no job was placed on this host, otherwise
    /// how long the three calls took, or the first error.
    /// </summary>
    public async Task<(bool Claimed, long Ticks, string? Error)> RunOneAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        JobAssignment assignment;
        using (var claim = Request(HttpMethod.Post, FabricRoutes.ClaimJob, new ClaimJobRequest(0)))
        using (var response = await client.SendAsync(claim, ct))
        {
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return (false, 0, null);
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (false, 0, await ErrorAsync(response, ct));
            }

            assignment = (await response.Content.ReadFromJsonAsync<JobAssignment>(PortalSetup.Json, ct))!;
        }

        using (var step = Request(HttpMethod.Post, FabricRoutes.Job(assignment.JobId, "steps"),
            new StepReport(assignment.FencingToken, assignment.Steps[0], JobStepState.Succeeded, null)))
        using (var response = await client.SendAsync(step, ct))
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (true, 0, await ErrorAsync(response, ct));
            }
        }

        using (var complete = Request(HttpMethod.Post, FabricRoutes.Job(assignment.JobId, "complete"),
            new JobCompletion(assignment.FencingToken, true, null, false)))
        using (var response = await client.SendAsync(complete, ct))
        {
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                return (true, 0, await ErrorAsync(response, ct));
            }
        }

        return (true, Stopwatch.GetTimestamp() - started, null);
    }

    private HttpRequestMessage Request<T>(HttpMethod method, string path, T body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: PortalSetup.Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return request;
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response, CancellationToken ct) =>
        $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} "
        + await response.Content.ReadAsStringAsync(ct);
}
