using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.HostAgent.Jobs;

namespace Portal.HostAgent.Tests.Jobs;

public sealed class StrayVmRemoverTests : IDisposable
{
    private readonly AgentUnderTest _agent = new();

    public void Dispose() => _agent.Dispose();

    [Fact]
    public async Task Remove_RunningStrayVm_IsTurnedOffAndDeletedWithItsWrappedKey_OthersStay()
    {
        var stray = AgentUnderTest.RegularVm();
        var kept = AgentUnderTest.RegularVm();
        Assert.Equal(JobRunOutcome.Succeeded, await _agent.RunAsync(JobType.Create, stray));
        Assert.Equal(JobRunOutcome.Succeeded, await _agent.RunAsync(JobType.Create, kept));
        Assert.Equal(VmPowerState.Running, _agent.Driver.Find(stray.Id)!.State);
        Assert.True(File.Exists(_agent.Keys.PathOf(stray.Id)));
        var remover = new StrayVmRemover(_agent.Driver, _agent.Keys, NullLogger<StrayVmRemover>.Instance);

        await remover.RemoveAsync([stray.Id, Guid.NewGuid()], CancellationToken.None);

        Assert.Null(_agent.Driver.Find(stray.Id));
        Assert.False(File.Exists(_agent.Keys.PathOf(stray.Id)));
        Assert.NotNull(_agent.Driver.Find(kept.Id));
        Assert.True(File.Exists(_agent.Keys.PathOf(kept.Id)));
    }
}
