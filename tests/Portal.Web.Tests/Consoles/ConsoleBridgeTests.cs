using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Testing;
using Portal.Web.Features.Consoles;
using Portal.Web.Tests.Infrastructure;
using static Portal.Web.Tests.Consoles.ConsoleSockets;

namespace Portal.Web.Tests.Consoles;

/// <summary>
/// A console whose viewer and host reached different portal processes: the bus messages that join them, the socket
/// that stands for the far end, and how a bridged session ends when the other process or the bus goes away.
/// </summary>
public sealed class ConsoleBridgeTests
{
    private static readonly ConsoleTarget Target = new(Guid.NewGuid(), Guid.NewGuid(), "web|01", Guid.NewGuid());

    [Fact]
    public void Messages_RoundTrip()
    {
        var session = Guid.NewGuid();
        var to = Guid.NewGuid();

        var open = ConsoleBridgeMessage.Parse(ConsoleBridgeMessage.Open(session, Target))!;
        Assert.Equal((ConsoleBridgeMessage.KindOpen, session, Target), (open.Kind, open.SessionId, open.Target));
        Assert.Equal((ConsoleBridgeMessage.KindAttach, to), ConsoleBridgeMessage.Parse(ConsoleBridgeMessage.Attach(session, to)) is { } a ? (a.Kind, a.To) : default);
        Assert.Equal(ConsoleBridgeMessage.KindGone, ConsoleBridgeMessage.Parse(ConsoleBridgeMessage.Gone(session))!.Kind);

        var bytes = RandomBytes(ConsoleFrame.MaxChunkBytes);
        var data = ConsoleBridgeMessage.Parse(ConsoleBridgeMessage.Traffic(session, to, ConsoleFrame.Bytes(bytes, true)))!;
        Assert.Equal(bytes, data.Frame!.Data);
        Assert.True(data.Frame.EndOfMessage);
        Assert.True(ConsoleBridgeMessage.Traffic(session, to, ConsoleFrame.Bytes(bytes, true)).Length <= Portal.Data.Cluster.ClusterMessageCodec.MaxBodyLength);

        var close = ConsoleBridgeMessage.Parse(ConsoleBridgeMessage.Traffic(session, to, ConsoleFrame.Close(WebSocketCloseStatus.PolicyViolation, "a|b")))!;
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "a|b", to), (close.Frame!.CloseStatus, close.Frame.Reason, close.To));
    }

    [Theory]
    [InlineData("")]
    [InlineData("open|not-a-guid")]
    [InlineData("open|0123456789abcdef0123456789abcdef|x|y|z|name")]
    [InlineData("attach|0123456789abcdef0123456789abcdef")]
    [InlineData("data|0123456789abcdef0123456789abcdef|0123456789abcdef0123456789abcdef|2|AAAA")]
    [InlineData("data|0123456789abcdef0123456789abcdef|0123456789abcdef0123456789abcdef|1|not base64!")]
    [InlineData("close|0123456789abcdef0123456789abcdef|0123456789abcdef0123456789abcdef|-1|reason")]
    [InlineData("reboot|0123456789abcdef0123456789abcdef")]
    public void Parse_SomethingThatIsNotAMessage_IsNull(string body) => Assert.Null(ConsoleBridgeMessage.Parse(body));

    [Fact]
    public void ParseData_LargerThanAChunk_IsRefused()
    {
        var body = $"data|{Guid.NewGuid():N}|{Guid.NewGuid():N}|1|{Convert.ToBase64String(RandomBytes(ConsoleFrame.MaxChunkBytes + 1))}";
        Assert.Null(ConsoleBridgeMessage.Parse(body));
    }

    [Fact]
    public async Task SocketPair_CarriesAMessageLargerThanAChunk_Whole_AndTheCloseHandshake()
    {
        var (viewerEnd, hostEnd) = Pair();
        var message = RandomBytes(3 * ConsoleFrame.MaxChunkBytes + 17);

        await viewerEnd.SendAsync(message, WebSocketMessageType.Binary, true, default);
        Assert.Equal(message, await ReadMessageAsync(hostEnd));

        await hostEnd.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "The VM's host closed the session.", default);
        var close = await ReadCloseAsync(viewerEnd);
        Assert.Equal((WebSocketCloseStatus.NormalClosure, "The VM's host closed the session."), (close.CloseStatus, close.CloseStatusDescription));
        Assert.Equal(WebSocketState.CloseSent, hostEnd.State);
        Assert.Equal(WebSocketMessageType.Close, (await hostEnd.ReceiveAsync(new byte[16], default).WaitAsync(Deadline)).MessageType);
        Assert.Equal((WebSocketState.Closed, WebSocketState.Closed), (viewerEnd.State, hostEnd.State));
        await Assert.ThrowsAsync<WebSocketException>(() => viewerEnd.SendAsync(message, WebSocketMessageType.Binary, true, default));
    }

    [Fact]
    public async Task RelayOverASocketPair_EndsBothSidesWithTheReason()
    {
        var (viewerEnd, hostEnd) = Pair();
        using var viewer = await SocketPair.ConnectAsync();
        using var host = await SocketPair.ConnectAsync();

        // One process relays the viewer to its bridged host end, the other the host to its bridged viewer end.
        var viewerSide = ConsoleRelay.RunAsync(viewer.Server, viewerEnd, default);
        var hostSide = ConsoleRelay.RunAsync(hostEnd, host.Server, default);

        await SendAsync(host.Client, "login: ");
        Assert.Equal("login: ", await ReadUntilAsync(viewer.Client, "login: "));
        await SendAsync(viewer.Client, "root\r");
        Assert.Equal("root\r", await ReadUntilAsync(host.Client, "\r"));

        await viewer.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "Disconnected by the viewer.", default);
        Assert.Equal("Disconnected by the viewer.", (await viewerSide.WaitAsync(Deadline)).Reason);
        Assert.Equal("Disconnected by the viewer.", (await hostSide.WaitAsync(Deadline)).Reason);
        Assert.Equal("Disconnected by the viewer.", (await ReadCloseAsync(host.Client)).CloseStatusDescription);
    }

    [Fact]
    public async Task BridgedSession_EndsWithAReason_WhenTheOtherProcessStopsListening()
    {
        var bus = new TestClusterBus();
        var broker = new ConsoleBroker(Options.Create(new ConsoleOptions()), TimeProvider.System);
        using var bridge = new ConsoleBridge(bus, broker, Options.Create(new ConsoleOptions { PeerCheckInterval = TimeSpan.FromMilliseconds(100) }),
            TimeProvider.System, NullLogger<ConsoleBridge>.Instance);
        var gone = Guid.NewGuid();
        var session = new ConsoleSession(Guid.NewGuid(), Target, DateTimeOffset.UtcNow) { Origin = gone };
        using var viewerEnd = await bridge.ConnectViewerAsync(session, gone);
        await bridge.StartAsync(default);

        var close = await ReadCloseAsync(viewerEnd);

        Assert.Equal("The portal process at the other end of the console went away.", close.CloseStatusDescription);
        await bridge.StopAsync(default);
    }

    [Fact]
    public async Task BridgedSession_EndsWithAReason_WhenThisProcessLosesTheBus()
    {
        var bus = new TestClusterBus();
        var broker = new ConsoleBroker(Options.Create(new ConsoleOptions()), TimeProvider.System);
        using var bridge = new ConsoleBridge(bus, broker, Options.Create(new ConsoleOptions()), TimeProvider.System, NullLogger<ConsoleBridge>.Instance);
        var session = new ConsoleSession(Guid.NewGuid(), Target, DateTimeOffset.UtcNow) { Origin = bus.OtherProcessId };
        using var viewerEnd = await bridge.ConnectViewerAsync(session, bus.OtherProcessId);

        bus.LoseConnection();

        Assert.Equal("The portal lost its link to the other portal process.", (await ReadCloseAsync(viewerEnd)).CloseStatusDescription);
    }

    [Fact]
    public async Task HostAttachingElsewhere_ToASessionThatIsOver_IsToldSo()
    {
        var bus = new TestClusterBus();
        var broker = new ConsoleBroker(Options.Create(new ConsoleOptions()), TimeProvider.System);
        using var bridge = new ConsoleBridge(bus, broker, Options.Create(new ConsoleOptions()), TimeProvider.System, NullLogger<ConsoleBridge>.Instance);
        var over = Guid.NewGuid();

        bus.HearFromOther(ConsoleBridge.Topic, ConsoleBridgeMessage.Attach(over, bus.ProcessId));

        var answer = ConsoleBridgeMessage.Parse(Assert.Single(bus.Published).Body)!;
        Assert.Equal((over, bus.OtherProcessId, WebSocketCloseStatus.PolicyViolation), (answer.SessionId, answer.To, answer.Frame!.CloseStatus));
        Assert.Equal(0, bridge.BridgedSessions);
    }

    private static (ClusterConsoleSocket A, ClusterConsoleSocket B) Pair()
    {
        ClusterConsoleSocket? a = null;
        ClusterConsoleSocket? b = null;
        var session = Guid.NewGuid();
        a = new ClusterConsoleSocket(session, Guid.NewGuid(), frame => Deliver(b!, frame), _ => { });
        b = new ClusterConsoleSocket(session, Guid.NewGuid(), frame => Deliver(a, frame), _ => { });
        return (a, b);
    }

    // As the bus would: the frame travels as text and arrives parsed.
    private static Task Deliver(ClusterConsoleSocket to, ConsoleFrame frame)
    {
        to.Deliver(ConsoleBridgeMessage.Parse(ConsoleBridgeMessage.Traffic(to.SessionId, to.Peer, frame))!.Frame!);
        return Task.CompletedTask;
    }

    private static async Task<byte[]> ReadMessageAsync(WebSocket socket)
    {
        var message = new List<byte>();
        var buffer = new byte[1000];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, default).WaitAsync(Deadline);
            message.AddRange(buffer.AsSpan(0, received.Count));
            if (received.EndOfMessage)
            {
                return [.. message];
            }
        }
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
