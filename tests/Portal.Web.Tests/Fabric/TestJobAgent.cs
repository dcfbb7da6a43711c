using System.Net;
using System.Net.Http.Json;
using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.Core.Shielding.KeyProtectors;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;
using Portal.Web.Tests.ShieldingData;

namespace Portal.Web.Tests.Fabric;

/// <summary>
/// A host agent that runs jobs over HTTP as the real one does: joins, beats (with a real health certificate unless told
/// otherwise), long-polls for a job, reports its steps under the lease's fencing number, renews the lease, stores the key
/// protector of a new shielded VM, fetches its sealed shielding data, and completes.
/// </summary>
public sealed class TestJobAgent
{
    private readonly FabricTestApp _app;

    private TestJobAgent(FabricTestApp app, TestAgent agent, HostResources capacity)
    {
        _app = app;
        Agent = agent;
        Capacity = capacity;
    }

    public TestAgent Agent { get; }

    public Guid HostId => Agent.HostId;

    public HttpClient Client => Agent.Client;

    /// <summary>What the host reports as its capacity on every beat (it reports nothing in use).</summary>
    public HostResources Capacity { get; }

    /// <summary>Joins, then beats once: healthy (a valid health certificate) unless <paramref name="healthy"/> is false.</summary>
    public static async Task<TestJobAgent> JoinAsync(
        FabricTestApp app, HttpClient admin, HostResources? capacity = null, bool healthy = true, string? name = null)
    {
        var agent = new TestJobAgent(app, await TestAgent.JoinedAsync(app, admin, name), capacity ?? TestAgent.Capacity);
        if (healthy)
        {
            await agent.BeatHealthyAsync();
        }

        return agent;
    }

    public Task<HttpResponseMessage> BeatAsync(AttestationReport? attestation, IReadOnlyList<VmReport>? vms = null) =>
        Client.PostAsJsonAsync(FabricRoutes.Heartbeat, new HeartbeatRequest(
            HostId, Capacity, HostResources.Zero, vms ?? [], attestation, "1.0.0"), OffersJson.Options);

    /// <summary>A healthy beat reporting the given VMs as this host's; returns what the portal answered.</summary>
    public async Task<HeartbeatResponse> BeatHoldingAsync(params Guid[] vmIds)
    {
        var response = await BeatAsync(Agent.Passed(_app.Certificate(Agent)), [.. vmIds.Select(id => new VmReport(id, "vm", VmPowerState.Running))]);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<HeartbeatResponse>(OffersJson.Options))!;
    }

    /// <summary>A beat carrying a valid health certificate: the host counts as healthy for shielded VMs.</summary>
    public async Task<HeartbeatResponse> BeatHealthyAsync()
    {
        var response = await BeatAsync(Agent.Passed(_app.Certificate(Agent)));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var beat = (await response.Content.ReadFromJsonAsync<HeartbeatResponse>(OffersJson.Options))!;
        Assert.Equal(AttestationStatus.Passed, beat.RecordedAttestation);
        return beat;
    }

    /// <summary>A beat reporting what HGS said when the host failed attestation.</summary>
    public async Task<HeartbeatResponse> BeatFailedAsync(AttestationStatus status, AttestationSubStatus subStatus, string reason)
    {
        var response = await BeatAsync(Agent.Failed(status, subStatus, reason));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<HeartbeatResponse>(OffersJson.Options))!;
    }

    public Task<HttpResponseMessage> ClaimAsync(int waitSeconds) =>
        Client.PostAsJsonAsync(FabricRoutes.ClaimJob, new ClaimJobRequest(waitSeconds), OffersJson.Options);

    /// <summary>One long poll: the job, or null on 204.</summary>
    public async Task<JobAssignment?> TryClaimAsync(int waitSeconds = 1)
    {
        var response = await ClaimAsync(waitSeconds);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Claim: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadAsync<JobAssignment>();
    }

    /// <summary>
    /// Long-polls (in short polls, since a job placed by another portal instance does not wake this one) until a job
    /// comes; fails the test when none comes in time.
    /// </summary>
    public async Task<JobAssignment> ClaimJobAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await TryClaimAsync(1) is { } assignment)
            {
                return assignment;
            }
        }

        throw new Xunit.Sdk.XunitException($"Host {Agent.Name} got no job within {timeout ?? TimeSpan.FromSeconds(20)}.");
    }

    public Task<HttpResponseMessage> ReportStepAsync(
        Guid jobId, long fencingToken, JobStepKind step, JobStepState state, string? message = null) =>
        Client.PostAsJsonAsync(FabricRoutes.Job(jobId, "steps"), new StepReport(fencingToken, step, state, message), OffersJson.Options);

    public Task<HttpResponseMessage> RenewLeaseAsync(Guid jobId, long fencingToken) =>
        Client.PostAsJsonAsync(FabricRoutes.Job(jobId, "lease"), new LeaseRenewalRequest(fencingToken), OffersJson.Options);

    public Task<HttpResponseMessage> StoreKeyProtectorAsync(Guid jobId, long fencingToken, byte[] keyProtector) =>
        Client.PostAsJsonAsync(FabricRoutes.Job(jobId, "key-protector"), new KeyProtectorReport(fencingToken, keyProtector), OffersJson.Options);

    public Task<HttpResponseMessage> GetShieldingDataAsync(Guid jobId, long fencingToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, FabricRoutes.Job(jobId, "shielding-data"));
        request.Headers.Add(FabricHeaders.FencingToken, fencingToken.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> CompleteAsync(
        Guid jobId, long fencingToken, bool succeeded = true, JobError? error = null, bool retryable = false) =>
        Client.PostAsJsonAsync(FabricRoutes.Job(jobId, "complete"), new JobCompletion(fencingToken, succeeded, error, retryable), OffersJson.Options);

    /// <summary>A key protector as a host makes it: a fresh VM key wrapped for the test owner and the test fabric.</summary>
    public static byte[] MakeKeyProtector(params Portal.Core.Shielding.Guardians.GuardianPublicKeys[] guardians) =>
        KeyProtector.Create(
            ShieldingFiles.Owner.PublicKeys,
            guardians.Length > 0 ? guardians : [TestFabric.Guardian.PublicKeys],
            KeyProtector.GenerateKey()).ToArray();

    /// <summary>
    /// Reports every step Running then Succeeded (storing <paramref name="keyProtector"/>, or a new one, where the plan makes
    /// one for a VM that has none yet), then completes.
    /// </summary>
    public async Task RunToSuccessAsync(JobAssignment job, byte[]? keyProtector = null)
    {
        foreach (var step in job.Steps)
        {
            await AssertOkAsync(await ReportStepAsync(job.JobId, job.FencingToken, step, JobStepState.Running));
            if (step == JobStepKind.OpenShieldingData)
            {
                await AssertOkAsync(await GetShieldingDataAsync(job.JobId, job.FencingToken));
            }

            if (step == JobStepKind.CreateKeyProtector && job.Vm.KeyProtector is null)
            {
                await AssertOkAsync(await StoreKeyProtectorAsync(job.JobId, job.FencingToken, keyProtector ?? MakeKeyProtector()));
            }

            await AssertOkAsync(await ReportStepAsync(job.JobId, job.FencingToken, step, JobStepState.Succeeded));
        }

        await AssertOkAsync(await CompleteAsync(job.JobId, job.FencingToken));
    }

    /// <summary>Claims the next job and runs it to success; returns it.</summary>
    public async Task<JobAssignment> RunNextAsync(TimeSpan? timeout = null)
    {
        var job = await ClaimJobAsync(timeout);
        await RunToSuccessAsync(job);
        return job;
    }

    public static async Task AssertOkAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
