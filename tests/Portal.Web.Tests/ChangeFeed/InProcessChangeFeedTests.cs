using Microsoft.Extensions.Logging.Abstractions;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Tests.ChangeFeed;

public sealed class InProcessChangeFeedTests
{
    private static readonly Guid TenantA = Guid.NewGuid();
    private static readonly Guid TenantB = Guid.NewGuid();

    private readonly InProcessChangeFeed _feed = new(NullLogger<InProcessChangeFeed>.Instance);

    private static PortalChange VmOf(Guid tenantId) => new(ChangeKind.VirtualMachine, Guid.NewGuid(), tenantId);

    private IDisposable Record(ChangeAudience audience, List<PortalChange> seen) =>
        _feed.Subscribe(audience, change =>
        {
            seen.Add(change);
            return Task.CompletedTask;
        });

    [Fact]
    public async Task Publish_TenantChange_ReachesThatTenantOnly()
    {
        var (seenByA, seenByB) = (new List<PortalChange>(), new List<PortalChange>());
        using var a = Record(ChangeAudience.Tenant(TenantA), seenByA);
        using var b = Record(ChangeAudience.Tenant(TenantB), seenByB);
        var change = VmOf(TenantB);

        await _feed.PublishAsync(change);

        Assert.Empty(seenByA);
        Assert.Equal([change], seenByB);
    }

    [Fact]
    public async Task Publish_ProviderHearsEveryTenantsChangesAndHosts()
    {
        var seen = new List<PortalChange>();
        using var provider = Record(ChangeAudience.Provider, seen);
        PortalChange[] changes = [VmOf(TenantA), VmOf(TenantB), PortalChange.Host(Guid.NewGuid())];

        foreach (var change in changes)
        {
            await _feed.PublishAsync(change);
        }

        Assert.Equal(changes, seen);
    }

    [Fact]
    public async Task Publish_HostChange_NeverReachesATenant()
    {
        var seen = new List<PortalChange>();
        using var tenant = Record(ChangeAudience.Tenant(TenantA), seen);

        await _feed.PublishAsync(PortalChange.Host(Guid.NewGuid()));

        Assert.Empty(seen);
    }

    [Fact]
    public async Task Dispose_StopsDelivery_AndForgetsTheSubscriber()
    {
        var seen = new List<PortalChange>();
        var subscription = Record(ChangeAudience.Tenant(TenantA), seen);
        var first = VmOf(TenantA);
        await _feed.PublishAsync(first);

        subscription.Dispose();
        subscription.Dispose();
        await _feed.PublishAsync(VmOf(TenantA));

        Assert.Equal([first], seen);
        Assert.Equal(0, _feed.SubscriberCount);
    }

    [Fact]
    public async Task Publish_OneSubscriberThrows_OthersStillHearTheChange()
    {
        var (seenBefore, seenAfter, seenByProvider) = (new List<PortalChange>(), new List<PortalChange>(), new List<PortalChange>());
        using var before = Record(ChangeAudience.Tenant(TenantA), seenBefore);
        using var broken = _feed.Subscribe(ChangeAudience.Tenant(TenantA), _ => throw new InvalidOperationException("circuit gone"));
        using var cancelled = _feed.Subscribe(ChangeAudience.Tenant(TenantA), _ => Task.FromCanceled(new CancellationToken(true)));
        using var after = Record(ChangeAudience.Tenant(TenantA), seenAfter);
        using var provider = Record(ChangeAudience.Provider, seenByProvider);
        var change = VmOf(TenantA);

        await _feed.PublishAsync(change);

        Assert.Equal([change], seenBefore);
        Assert.Equal([change], seenAfter);
        Assert.Equal([change], seenByProvider);
    }

    [Fact]
    public void TenantAudience_WithoutATenant_IsRefused() =>
        Assert.Throws<ArgumentException>(() => ChangeAudience.Tenant(Guid.Empty));
}
