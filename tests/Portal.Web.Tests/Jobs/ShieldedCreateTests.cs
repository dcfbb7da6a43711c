using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Jobs;
using Portal.Core.Shielding.DataFiles;
using Portal.Core.VirtualMachines;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.ShieldingData;

namespace Portal.Web.Tests.Jobs;

public sealed class ShieldedCreateTests : IAsyncLifetime
{
    private readonly JobsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task ShieldedCreate_ClaimCarriesTemplateDiskAndShieldingData_FencedFetchReturnsTheUploadedBytes()
    {
        var tenant = await _app.TenantAsync(shieldingTemplate: true);
        var file = ShieldingFiles.Pdk();
        var data = await JobsApp.UploadShieldingDataAsync(tenant.Client, file);
        var agent = await _app.AgentAsync();

        var (vm, jobId) = await tenant.CreatedVmAsync(shielded: true, shieldingDataId: data.Id);
        var job = await agent.ClaimJobAsync();

        Assert.Equal(jobId, job.JobId);
        Assert.Equal(JobPlan.Steps(JobType.Create, shielded: true), job.Steps);
        Assert.True(job.Vm.Shielded);
        Assert.True(job.Vm.HasShieldingData);
        Assert.Equal(ShieldingPolicy.Shielded, job.Vm.Policy);
        Assert.Null(job.Vm.KeyProtector);
        var disk = Assert.IsType<Portal.Core.Fabric.Protocol.TemplateDiskSpec>(job.Vm.TemplateDisk);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA384.HashData(SignedCatalogs.DiskBytes)), disk.Sha384, ignoreCase: true);
        Assert.Equal(SignedCatalogs.DiskBytes.Length, disk.SizeBytes);
        Assert.Equal(ShieldingFiles.Catalog.ToArray(), disk.CatalogFile);

        var fetched = await agent.GetShieldingDataAsync(jobId, job.FencingToken);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(file, await fetched.Content.ReadAsByteArrayAsync());
        await (await agent.GetShieldingDataAsync(jobId, job.FencingToken - 1)).AssertProblemAsync(HttpStatusCode.Conflict);

        var other = await TestJobAgent.JoinAsync(_app.Fabric, _app.Admin, healthy: false);
        await (await other.GetShieldingDataAsync(jobId, job.FencingToken)).AssertProblemAsync(HttpStatusCode.Conflict);

        await agent.RunToSuccessAsync(job);
        Assert.Equal(VmState.Running, (await tenant.VmAsync(vm.Id)).State);
        Assert.Equal(JobState.Succeeded, (await tenant.JobAsync(jobId)).State);
    }

    [Fact]
    public async Task KeyProtector_StoredOnce_ADifferentOneIs409_OneNotWrappedForTheFilesGuardiansIs400()
    {
        var tenant = await _app.TenantAsync(shieldingTemplate: true);
        var data = await JobsApp.UploadShieldingDataAsync(tenant.Client);
        var agent = await _app.AgentAsync();
        // Made before the claim: the first use of another guardian generates its RSA keys, which can outlast a lease.
        var wrongGuardians = TestJobAgent.MakeKeyProtector(ShieldingFiles.OtherFabric.PublicKeys);
        var extraGuardian = TestJobAgent.MakeKeyProtector(TestFabric.Guardian.PublicKeys, ShieldingFiles.OtherFabric.PublicKeys);
        var (vm, jobId) = await tenant.CreatedVmAsync(shielded: true, shieldingDataId: data.Id);
        var job = await agent.ClaimJobAsync();

        await (await agent.StoreKeyProtectorAsync(jobId, job.FencingToken, wrongGuardians)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await agent.StoreKeyProtectorAsync(jobId, job.FencingToken, extraGuardian)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Null(await KeyProtectorAsync(vm.Id));

        var protector = TestJobAgent.MakeKeyProtector();
        await (await agent.StoreKeyProtectorAsync(jobId, job.FencingToken - 1, protector)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Null(await KeyProtectorAsync(vm.Id));
        await TestJobAgent.AssertOkAsync(await agent.StoreKeyProtectorAsync(jobId, job.FencingToken, protector));
        Assert.Equal(protector, await KeyProtectorAsync(vm.Id));

        await TestJobAgent.AssertOkAsync(await agent.StoreKeyProtectorAsync(jobId, job.FencingToken, protector));
        var different = TestJobAgent.MakeKeyProtector();
        await (await agent.StoreKeyProtectorAsync(jobId, job.FencingToken, different)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(protector, await KeyProtectorAsync(vm.Id));

        await agent.RunToSuccessAsync(job, protector);
        Assert.Null(await agent.TryClaimAsync(0));
        await tenant.OperateAsync(vm.Id, "restart");
        var restart = await agent.ClaimJobAsync();
        Assert.Equal(protector, restart.Vm.KeyProtector);
        Assert.Equal(JobPlan.Steps(JobType.Restart, shielded: true), restart.Steps);
    }

    [Fact]
    public async Task KeyProtector_ForARegularVm_Returns409()
    {
        var tenant = await _app.TenantAsync();
        var agent = await _app.AgentAsync();
        var (_, jobId) = await tenant.CreatedVmAsync();
        var job = await agent.ClaimJobAsync();

        var response = await agent.StoreKeyProtectorAsync(jobId, job.FencingToken, TestJobAgent.MakeKeyProtector());

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
        await (await agent.GetShieldingDataAsync(jobId, job.FencingToken)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private Task<byte[]?> KeyProtectorAsync(Guid vmId) =>
        _app.Fabric.WithDbAsync(db => db.VirtualMachines.AsNoTracking().Where(v => v.Id == vmId).Select(v => v.KeyProtector).SingleAsync());
}
