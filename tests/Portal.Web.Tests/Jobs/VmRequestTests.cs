using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Jobs;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Plans;
using Portal.Web.Features.VirtualMachines;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Jobs;

/// <summary>Creating VMs and asking for operations: quota, idempotency, tenant isolation and refusals (no host needed).</summary>
public sealed class VmRequestTests : IAsyncLifetime
{
    private readonly JobsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task CreateVm_ConcurrentCreates_NeverOvershootQuota_RefusalsAre409WithNumbers()
    {
        var tenant = await _app.TenantAsync(quota: new QuotaDto(3, null, null, null));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => tenant.CreateVmAsync($"racer-{i}")));

        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Accepted))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("Vms", problem.GetProperty("dimension").GetString());
            Assert.Equal((3, 3, 1), (problem.GetProperty("limit").GetInt32(), problem.GetProperty("used").GetInt32(), problem.GetProperty("requested").GetInt32()));
        }

        Assert.Equal(3, (await tenant.Client.GetItemsAsync<VmDto>("/api/v1/vms")).Count);
        Assert.Equal(3, await _app.Fabric.WithDbAsync(db => db.Jobs.CountAsync(j => j.Type == JobType.Create)));
    }

    [Fact]
    public Task ListVms_PagesCountAllAndMatchEachVm_PastTheEndStillCounted_NoOtherTenantsVms() => VmListChecks.PagesMatchEachVmAsync(_app);

    [Fact]
    public async Task CreateVm_SameIdempotencyKeyTwice_SameVmAndJob_OneVmInDatabase()
    {
        var tenant = await _app.TenantAsync();
        var key = Guid.NewGuid().ToString();

        var (first, firstJob) = await TenantSetup.AcceptedVmAsync(await tenant.CreateVmAsync("same", idempotencyKey: key));
        var (second, secondJob) = await TenantSetup.AcceptedVmAsync(await tenant.CreateVmAsync("same", idempotencyKey: key));

        Assert.Equal((first.Id, firstJob), (second.Id, secondJob));
        Assert.Equal(1, await _app.Fabric.WithDbAsync(db => db.VirtualMachines.CountAsync(v => v.SubscriptionId == tenant.SubscriptionId)));
        Assert.Equal(1, await _app.Fabric.WithDbAsync(db => db.Jobs.CountAsync(j => j.VmId == first.Id)));
    }

    [Fact]
    public async Task CreateVm_SameIdempotencyKeyConcurrently_OneVm()
    {
        var tenant = await _app.TenantAsync();
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => tenant.CreateVmAsync("twin", idempotencyKey: key)));

        var created = await Task.WhenAll(answers.Select(TenantSetup.AcceptedVmAsync));
        Assert.Single(created.Select(c => (c.Vm.Id, c.JobId)).Distinct());
        Assert.Equal(1, await _app.Fabric.WithDbAsync(db => db.VirtualMachines.CountAsync(v => v.SubscriptionId == tenant.SubscriptionId)));
    }

    [Fact]
    public async Task CreateVm_DifferentIdempotencyKeys_TwoVms()
    {
        var tenant = await _app.TenantAsync();

        var (first, firstJob) = await TenantSetup.AcceptedVmAsync(await tenant.CreateVmAsync("one", idempotencyKey: "key-1"));
        var (second, secondJob) = await TenantSetup.AcceptedVmAsync(await tenant.CreateVmAsync("two", idempotencyKey: "key-2"));

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(firstJob, secondJob);
        Assert.Equal(2, await _app.Fabric.WithDbAsync(db => db.VirtualMachines.CountAsync(v => v.SubscriptionId == tenant.SubscriptionId)));
    }

    [Fact]
    public async Task AnotherTenantsVmAndJob_Answer404Everywhere()
    {
        var owner = await _app.TenantAsync();
        var (vm, jobId) = await owner.CreatedVmAsync();
        var other = await _app.TenantAsync();

        foreach (var response in new[]
        {
            await other.Client.GetAsync($"/api/v1/vms/{vm.Id}"),
            await other.Client.GetAsync($"/api/v1/jobs/{jobId}"),
            await other.Client.GetAsync($"/api/v1/vms/{vm.Id}/jobs"),
            await other.Client.GetAsync($"/api/v1/vms/{vm.Id}/console"),
            await other.Client.PostAsync($"/api/v1/vms/{vm.Id}/start", null),
            await other.Client.PostAsync($"/api/v1/vms/{vm.Id}/shutdown", null),
            await other.Client.DeleteAsync($"/api/v1/vms/{vm.Id}"),
            await other.Client.GetAsync($"/api/v1/subscriptions/{owner.SubscriptionId}/vms"),
            await other.Client.PostAsJsonAsync($"/api/v1/subscriptions/{owner.SubscriptionId}/vms",
                new CreateVmRequest(owner.SubscriptionId, "intruder", owner.TemplateId, owner.SizeId, false), OffersJson.Options),
        })
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Empty(await other.Client.GetItemsAsync<VmDto>("/api/v1/vms"));
        Assert.Empty(await other.Client.GetItemsAsync<JobDto>("/api/v1/jobs"));
        Assert.Equal(1, await _app.Fabric.WithDbAsync(db => db.Jobs.CountAsync(j => j.VmId == vm.Id)));
    }

    [Fact]
    public async Task Operation_WhileCreateJobIsQueued_Returns409Busy()
    {
        var tenant = await _app.TenantAsync();
        var (vm, _) = await tenant.CreatedVmAsync();

        var shutdown = await tenant.Client.PostAsync($"/api/v1/vms/{vm.Id}/shutdown", null);
        var delete = await tenant.Client.DeleteAsync($"/api/v1/vms/{vm.Id}");

        foreach (var response in new[] { shutdown, delete })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("busy", problem.GetProperty("detail").GetString());
        }

        Assert.Equal(1, await _app.Fabric.WithDbAsync(db => db.Jobs.CountAsync(j => j.VmId == vm.Id)));
    }

    [Fact]
    public async Task ShieldedCreate_FileNotTrustingTheTemplate_Returns400NamingTheReason()
    {
        var tenant = await _app.TenantAsync(); // signed with another catalog than the file trusts
        var data = await JobsApp.UploadShieldingDataAsync(tenant.Client);

        var response = await tenant.CreateVmAsync(shielded: true, shieldingDataId: data.Id);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("trust", problem.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await tenant.Client.GetItemsAsync<VmDto>("/api/v1/vms"));
    }

    [Fact]
    public async Task ShieldedCreate_PlanWithoutShieldedVms_Returns400()
    {
        var tenant = await _app.TenantAsync(allowShieldedVms: false, shieldingTemplate: true);
        var data = await JobsApp.UploadShieldingDataAsync(tenant.Client);

        var response = await tenant.CreateVmAsync(shielded: true, shieldingDataId: data.Id);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("shielded", problem.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await tenant.Client.GetItemsAsync<VmDto>("/api/v1/vms"));
    }

    [Fact]
    public async Task ShieldedCreate_WithoutShieldingDataId_Returns400()
    {
        var tenant = await _app.TenantAsync(shieldingTemplate: true);

        var response = await tenant.CreateVmAsync(shielded: true, shieldingDataId: null);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await tenant.Client.GetItemsAsync<VmDto>("/api/v1/vms"));
    }

    [Fact]
    public async Task ShieldedCreate_AnotherTenantsShieldingData_Returns404()
    {
        var owner = await _app.TenantAsync(shieldingTemplate: true);
        var data = await JobsApp.UploadShieldingDataAsync(owner.Client);
        var other = await _app.TenantAsync(shieldingTemplate: true);

        var response = await other.CreateVmAsync(shielded: true, shieldingDataId: data.Id);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Console_ShieldedPolicyVm_Returns409NamingThePolicy()
    {
        var tenant = await _app.TenantAsync(shieldingTemplate: true);
        var data = await JobsApp.UploadShieldingDataAsync(tenant.Client);
        var (vm, _) = await tenant.CreatedVmAsync(shielded: true, shieldingDataId: data.Id);

        var response = await tenant.Client.GetAsync($"/api/v1/vms/{vm.Id}/console");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Shielded", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AdminJobEndpoints_CalledByATenant_Return403()
    {
        var tenant = await _app.TenantAsync();
        var (_, jobId) = await tenant.CreatedVmAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Client.GetAsync("/api/admin/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Client.GetAsync($"/api/admin/v1/jobs/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Client.PostAsync($"/api/admin/v1/jobs/{jobId}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Client.PostAsync($"/api/admin/v1/jobs/{jobId}/restart", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Client.GetAsync("/api/admin/v1/vms")).StatusCode);
        Assert.NotEqual(JobState.Cancelled, (await tenant.JobAsync(jobId)).State);
    }
}
