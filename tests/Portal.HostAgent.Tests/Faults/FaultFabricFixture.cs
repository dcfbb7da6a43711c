using Portal.Core.Fabric;
using Portal.HostAgent.Tests.Integration;

namespace Portal.HostAgent.Tests.Faults;

/// <summary>
/// The fabric of <see cref="FabricFixture"/> (portal, HGS, offer, tenant) without standing hosts: each fault test
/// starts the agents it breaks and removes them when it ends, so one test's wreckage never lands on another's jobs.
/// </summary>
public sealed class FaultFabricFixture : FabricFixture
{
    /// <summary>Room for every VM a test makes, so placement never runs out of space on a live host.</summary>
    public static readonly HostResources Roomy = new(200, 800, 20_000);

    /// <summary>Bigger than <see cref="Roomy"/>: placement chooses such a host first while it is alive.</summary>
    public static readonly HostResources Biggest = new(400, 1600, 40_000);

    protected override Task StartHostsAsync() => Task.CompletedTask;

    /// <summary>Removes hosts a test made, whether or not their agents still run.</summary>
    public async Task RemoveHostsAsync(IEnumerable<Agent> agents)
    {
        foreach (var hostId in agents.Select(a => a.HostId).Distinct())
        {
            await RemoveHostAsync(hostId);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FaultsCollection : ICollectionFixture<FaultFabricFixture>
{
    public const string Name = "Faults survived";
}
