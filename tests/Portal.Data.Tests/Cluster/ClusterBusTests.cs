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

    [Theory]
    [InlineData("")]
    [InlineData("not|a|guid")]
    [InlineData("plain text")]
    public void Decode_PayloadThatIsNotOurs_IsIgnored(string payload) =>
        Assert.Null(ClusterMessageCodec.Decode(payload));

    [Fact]
    public async Task Publish_BodyTooLongOrTopicWithSeparator_IsRefusedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _a.Bus.PublishAsync("t", new string('x', ClusterMessageCodec.MaxBodyLength + 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => _a.Bus.PublishAsync("a|b", "x"));
    }

    private static TaskCompletionSource<ClusterMessage> Heard(IClusterBus bus, string topic)
    {
        var heard = new TaskCompletionSource<ClusterMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        bus.Subscribe(topic, m => heard.TrySetResult(m));
        return heard;
    }
}
