using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Portal.Testing;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Tests.ChangeFeed;

public sealed class LiveRefreshTests
{
    private static readonly Guid Tenant = Guid.NewGuid();

    private readonly InProcessChangeFeed _feed = new(NullLogger<InProcessChangeFeed>.Instance);
    private readonly FakeTimeProvider _time = new();
    private readonly List<Exception> _dispatched = [];
    private int _reloads;

    [Fact]
    public async Task Reload_TheDatabaseDidNotAnswer_ThePageStays_AndTheReloadIsTriedAgainLater()
    {
        using var live = Start(_ => ++_reloads == 1
            ? throw new NpgsqlException("The connection pool has been exhausted.", new TimeoutException())
            : Task.CompletedTask);

        await _feed.PublishAsync(new PortalChange(ChangeKind.VirtualMachine, Guid.NewGuid(), Tenant));
        await Eventually.Async(() => Task.FromResult(_reloads == 1), what: "the first reload");
        Assert.Equal(1, _reloads);

        // No change comes: the clock alone brings the retry.
        await Eventually.Async(() =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            return Task.FromResult(_reloads == 2);
        }, what: "the reload tried again");
        Assert.Empty(_dispatched);
    }

    [Fact]
    public async Task Reload_FailsForAnyOtherReason_TheFailureGoesToTheCircuit()
    {
        using var live = Start(_ =>
        {
            _reloads++;
            throw new InvalidOperationException("a defect");
        });

        await _feed.PublishAsync(new PortalChange(ChangeKind.VirtualMachine, Guid.NewGuid(), Tenant));

        await Eventually.Async(() => Task.FromResult(_dispatched.Count == 1), what: "the failure handed to the circuit");
        Assert.IsType<InvalidOperationException>(_dispatched.Single());
    }

    private LiveRefresh Start(Func<int, Task> reload) =>
        LiveRefresh.Start(_feed, ChangeAudience.Tenant(Tenant), _ => true,
            invoke => invoke(),
            () => reload(_reloads),
            e =>
            {
                lock (_dispatched)
                {
                    _dispatched.Add(e);
                }

                return Task.CompletedTask;
            },
            _time);
}
