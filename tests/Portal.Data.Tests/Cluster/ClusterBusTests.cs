using System.Collections.Concurrent;
using Portal.Data.Cluster;
using Portal.Testing;

namespace Portal.Data.Tests.Cluster;

public sealed class ClusterBusTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly PostgresTestDatabase _database = PostgresTestDatabase.New("cluster_bus");
    private ClusterProcess _a = default!;
    private ClusterProcess _b = default!;

    public async Task InitializeAsync()
    {
        await _database.MigrateAsync();
        _a = new ClusterProcess(_database.ConnectionString, "a");
        _b = new ClusterProcess(_database.ConnectionString, "b");
        await _a.StartListeningAsync();
        await _b.StartListeningAsync();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Message_PublishedByOneProcess_IsHeardByBoth_WithItsSender()
    {
        var heardByA = Heard(_a.Bus, "topic-1");
        var heardByB = Heard(_b.Bus, "topic-1");
        using var otherTopic = _b.Bus.Subscribe("topic-2", m => Assert.Fail($"topic-2 heard {m.Body}"));

        await _a.Bus.PublishAsync("topic-1", "body with | and : in it");

        var messageAtB = await heardByB.Task.WaitAsync(Deadline);
        var messageAtA = await heardByA.Task.WaitAsync(Deadline);
        Assert.Equal(new ClusterMessage("topic-1", _a.Bus.ProcessId, "body with | and : in it"), messageAtB);
        Assert.Equal(messageAtB, messageAtA);
        Assert.NotEqual(_a.Bus.ProcessId, _b.Bus.ProcessId);
    }

    [Fact]
    public async Task Subscription_Disposed_HearsNothingMore()
    {
        var heard = new ConcurrentQueue<string>();
        var subscription = _b.Bus.Subscribe("t", m => heard.Enqueue(m.Body));
        var after = Heard(_b.Bus, "t");
        subscription.Dispose();

        await _a.Bus.PublishAsync("t", "x");

        await after.Task.WaitAsync(Deadline);
        Assert.Empty(heard);
    }

    [Fact]
    public async Task ListeningConnectionCut_SaysDisconnected_ReconnectsByItself_AndHearsAgain()
    {
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _b.Bus.Disconnected += () =>
        {
            Assert.False(_b.Bus.IsListening);
            disconnected.TrySetResult();
        };
        _b.Bus.Reconnected += () => reconnected.TrySetResult();

        await _b.CutOffAsync(_database.ConnectionString);

        await disconnected.Task.WaitAsync(Deadline);
        await reconnected.Task.WaitAsync(Deadline);
        Assert.True(_b.Bus.IsListening);
        var heard = Heard(_b.Bus, "after");
        await _a.Bus.PublishAsync("after", "again");
        Assert.Equal("again", (await heard.Task.WaitAsync(Deadline)).Body);
    }

    [Fact]
    public async Task ConfirmedMessage_ReturnsOnlyAfterEveryProcessRanItsSubscribers()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var heardByA = Heard(_a.Bus, "forget");
        using var blocking = _b.Bus.Subscribe("forget", _ =>
        {
            entered.TrySetResult();
            release.Wait(Deadline);
        });

        var publishing = _a.Bus.PublishConfirmedAsync("forget", "user-1");

        await entered.Task.WaitAsync(Deadline);
        await heardByA.Task.WaitAsync(Deadline);
        Assert.False(publishing.IsCompleted, "the publisher returned while process B was still handling the message");
        release.Set();
        Assert.True(await publishing.WaitAsync(Deadline));
    }

    [Fact]
    public async Task ConfirmedMessage_ProcessThatCannotConfirm_HasStoppedTrustingItselfWhenThePublisherGivesUp()
    {
        // B's listener is stuck in a subscriber: it neither confirms nor makes its round trips, as if cut off.
        using var release = new ManualResetEventSlim();
        using var stuck = _b.Bus.Subscribe("forget", _ => release.Wait(Deadline));

        var confirmed = await _a.Bus.PublishConfirmedAsync("forget", "user-1").WaitAsync(Deadline);

        Assert.False(confirmed);
        Assert.False(_b.Bus.IsListening, "B still trusted that it heard everything when the publisher gave up on it");
        release.Set();
        await Eventually.Async(() => Task.FromResult(_b.Bus.IsListening), what: "B trusting itself again once unstuck");
    }

    [Fact]
    public async Task QuietListener_KeepsMakingItsRoundTrips_SoItKeepsTrustingItself()
    {
        // No message at all: only the listener's own checks show in its session's query start.
        await using var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT query_start FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = PostgresClusterBus.ListenerName(_a.Bus.ProcessId) });
        var checks = new HashSet<DateTime>();

        // A stalled listener stops here. Trust itself is not asserted between checks: on a loaded machine one round trip
        // may come later than its lease, which costs the cache a moment and is not a stall.
        await Eventually.Async(async () =>
        {
            checks.Add((DateTime)(await command.ExecuteScalarAsync())!);
            return checks.Count >= 25;
        }, TimeSpan.FromSeconds(30), "25 round trips of A's quiet listener");
        await Eventually.Async(() => Task.FromResult(_a.Bus.IsListening), what: "A trusting itself after 25 quiet round trips");
    }

    [Theory]
    [InlineData(0.3, 1)]
    [InlineData(0.999, 1)]
    [InlineData(1, 1)]
    [InlineData(199.2, 200)]
    public void ListenerWait_IsRoundedUpToWholeMilliseconds_NeverZero(double untilCheck, double wait) =>
        Assert.Equal(TimeSpan.FromMilliseconds(wait), PostgresClusterBus.WaitFor(TimeSpan.FromMilliseconds(untilCheck)));

    [Fact]
    public async Task ListeningProcess_IsNamedInTheDatabase_SoConfirmationsKnowWhomToWaitFor()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND starts_with(application_name, $1) ORDER BY 1",
            connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = PostgresClusterBus.ListenerNamePrefix });
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.Equal(
            new[] { PostgresClusterBus.ListenerName(_a.Bus.ProcessId), PostgresClusterBus.ListenerName(_b.Bus.ProcessId) }.Order(),
            names);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not|a|guid")]
    [InlineData("topic|not-a-guid||body")]
    [InlineData("topic|0123456789abcdef0123456789abcdef|not-a-receipt|body")]
    [InlineData("plain text")]
    public void Decode_PayloadThatIsNotOurs_IsIgnored(string payload) =>
        Assert.Null(ClusterMessageCodec.Decode(payload));

    [Fact]
    public async Task Publish_BodyTooLongOrTopicWithSeparator_IsRefusedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _a.Bus.PublishAsync("t", new string('x', ClusterMessageCodec.MaxBodyLength + 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => _a.Bus.PublishAsync("a|b", "x"));
    }

    [Fact]
    public void Encode_ThenDecode_KeepsTheReceipt()
    {
        var receipt = Guid.NewGuid();
        var message = ClusterMessageCodec.Decode(ClusterMessageCodec.Encode("t", _a.Bus.ProcessId, "a|b", receipt));
        Assert.Equal(new ClusterMessage("t", _a.Bus.ProcessId, "a|b") { Receipt = receipt }, message);
        Assert.Null(ClusterMessageCodec.Decode(ClusterMessageCodec.Encode("t", _a.Bus.ProcessId, "x"))!.Receipt);
    }

    private static TaskCompletionSource<ClusterMessage> Heard(IClusterBus bus, string topic)
    {
        var heard = new TaskCompletionSource<ClusterMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        bus.Subscribe(topic, m => heard.TrySetResult(m));
        return heard;
    }
}
