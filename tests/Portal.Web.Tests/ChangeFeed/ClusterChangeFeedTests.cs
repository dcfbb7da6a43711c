using Microsoft.Extensions.Logging.Abstractions;
using Portal.Web.Infrastructure.ChangeFeed;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.ChangeFeed;

public sealed class ClusterChangeFeedTests
{
    private readonly TestClusterBus _bus = new();
    private readonly ClusterChangeFeed _feed;
    private readonly Guid _tenant = Guid.NewGuid();

    public ClusterChangeFeedTests() =>
        _feed = new ClusterChangeFeed(new InProcessChangeFeed(NullLogger<InProcessChangeFeed>.Instance), _bus, NullLogger<ClusterChangeFeed>.Instance);

    [Fact]
    public async Task Publish_ReachesLocalSubscribersOnce_AndTheOtherProcesses()
    {
        var heard = Listen(ChangeAudience.Tenant(_tenant));
        var change = new PortalChange(ChangeKind.Job, Guid.NewGuid(), _tenant);

        await _feed.PublishAsync(change);

        // Its own echo through the database is not delivered a second time.
        Assert.Equal([change], heard);
        Assert.Equal(ClusterChangeFeed.Encode(change), Assert.Single(_bus.Published).Body);
    }

    [Fact]
    public void ChangeFromAnotherProcess_ReachesOnlyItsTenantAndTheProvider()
    {
        var mine = Listen(ChangeAudience.Tenant(_tenant));
        var others = Listen(ChangeAudience.Tenant(Guid.NewGuid()));
        var provider = Listen(ChangeAudience.Provider);
        var change = new PortalChange(ChangeKind.VirtualMachine, Guid.NewGuid(), _tenant);

        _bus.HearFromOther(ClusterChangeFeed.Topic, ClusterChangeFeed.Encode(change));

        Assert.Equal([change], mine);
        Assert.Empty(others);
        Assert.Equal([change], provider);
    }

    [Fact]
    public async Task PublishSeveral_SendsOneMessage_WhichAnotherProcessDeliversInOrder()
    {
        var mine = Listen(ChangeAudience.Tenant(_tenant));
        var changes = new[] { new PortalChange(ChangeKind.VirtualMachine, Guid.NewGuid(), _tenant), new PortalChange(ChangeKind.Job, Guid.NewGuid(), _tenant) };

        await _feed.PublishAsync(changes);
        _bus.HearFromOther(ClusterChangeFeed.Topic, Assert.Single(_bus.Published).Body);

        Assert.Equal([.. changes, .. changes], mine);
    }

    [Fact]
    public void MessageWithAnUnreadableLine_DeliversTheReadableOnes()
    {
        var provider = Listen(ChangeAudience.Provider);
        var change = new PortalChange(ChangeKind.Job, Guid.NewGuid(), _tenant);

        _bus.HearFromOther(ClusterChangeFeed.Topic, $"Nothing:00000000000000000000000000000001:\n{ClusterChangeFeed.Encode(change)}");

        Assert.Equal([change], provider);
    }

    [Fact]
    public void Reconnected_TellsEveryAudienceToResync()
    {
        var tenant = Listen(ChangeAudience.Tenant(_tenant));
        var provider = Listen(ChangeAudience.Provider);

        _bus.LoseConnection();
        _bus.Reconnect();

        Assert.Equal([PortalChange.Resync], tenant);
        Assert.Equal([PortalChange.Resync], provider);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Job:not-a-guid:")]
    [InlineData("Nothing:00000000000000000000000000000001:")]
    [InlineData("Job:00000000000000000000000000000001:zz")]
    public void UnreadableMessage_IsIgnored(string body)
    {
        var provider = Listen(ChangeAudience.Provider);

        _bus.HearFromOther(ClusterChangeFeed.Topic, body);

        Assert.Empty(provider);
    }

    [Fact]
    public void Encode_RoundTrips_WithAndWithoutTenant()
    {
        var owned = new PortalChange(ChangeKind.ShieldingData, Guid.NewGuid(), _tenant);
        var fabricWide = PortalChange.Host(Guid.NewGuid());
        Assert.Equal(owned, ClusterChangeFeed.Decode(ClusterChangeFeed.Encode(owned)));
        Assert.Equal(fabricWide, ClusterChangeFeed.Decode(ClusterChangeFeed.Encode(fabricWide)));
    }

    private List<PortalChange> Listen(ChangeAudience audience)
    {
        var heard = new List<PortalChange>();
        _feed.Subscribe(audience, change =>
        {
            lock (heard)
            {
                heard.Add(change);
            }

            return Task.CompletedTask;
        });
        return heard;
    }
}
