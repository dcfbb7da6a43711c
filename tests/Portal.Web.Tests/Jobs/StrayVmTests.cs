using Portal.Core.Jobs;

namespace Portal.Web.Tests.Jobs;

public sealed class StrayVmTests : IAsyncLifetime
{
    private readonly JobsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Heartbeat_HostHoldingAVmPlacedElsewhereOrDeleted_IsToldToRemoveIt_UnknownVmsAreLeftAlone()
    {
        var tenant = await _app.TenantAsync();
        var home = await _app.AgentAsync();
        var (vm, jobId) = await tenant.CreatedVmAsync("moved");
        await home.RunToSuccessAsync(await home.ClaimJobAsync());
        await tenant.JobFinishedAsync(jobId, JobState.Succeeded);
        var other = await _app.AgentAsync();
        var unknown = Guid.NewGuid();

        var strayBeat = await other.BeatHoldingAsync(vm.Id, unknown);
        var homeBeat = await home.BeatHoldingAsync(vm.Id);

        Assert.Equal([vm.Id], strayBeat.StrayVms);
        Assert.Empty(homeBeat.StrayVms!);

        var delete = await tenant.DeleteVmAsync(vm.Id);
        await home.RunToSuccessAsync(await home.ClaimJobAsync());
        await tenant.JobFinishedAsync(delete.Id, JobState.Succeeded);

        Assert.Equal([vm.Id], (await home.BeatHoldingAsync(vm.Id)).StrayVms);
    }
}
