using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric;
using Portal.Core.Fabric.Protocol;
using Portal.HostAgent.Consoles;
using Portal.HostAgent.Fabric;
using Portal.HostAgent.Hypervisor;
using Portal.HostAgent.Tests.Hypervisor;
using Portal.Testing;

namespace Portal.HostAgent.Tests.Consoles;

/// <summary>The agent's console loop against the simulated hypervisor, with the portal's end of each session in the test's hands.</summary>
public sealed class ConsoleWorkerTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly DriverFolder _folder = new();
    private readonly FakeConsoleChannel _portal = new();
    private readonly SimulatedHypervisorDriver _driver;
    private readonly byte[] _key = VmDiskCipher.NewKey();

    public ConsoleWorkerTests() => _driver = _folder.Driver();

    public void Dispose()
    {
        _portal.Dispose();
        _folder.Dispose();
    }

    private ConsoleWorker Worker(int maxSessions = 8)
    {
        var agent = Options.Create(new HostAgentOptions { DataFolder = _folder.Path, RetryInterval = TimeSpan.FromMilliseconds(100) });
        return new ConsoleWorker(_portal, _driver, new HostAgentStatus(), new HostCredentialStore(agent),
            Options.Create(new ConsoleAgentOptions { PollWait = TimeSpan.FromSeconds(1), MaxSessions = maxSessions }),
            agent, TimeProvider.System, NullLogger<ConsoleWorker>.Instance);
    }

    private async Task<VmInfo> VmAsync(string name, bool start)
    {
        var template = _folder.Template(Encoding.UTF8.GetBytes("template"));
        var vm = await _driver.CreateAsync(new VmDefinition(Guid.NewGuid(), name, new HostResources(1, 1, 10), Shielded: false), template, _key, default);
        return start ? await _driver.StartAsync(vm.Id, _key, default) : vm;
    }

    [Fact]
    public async Task RunningVm_ConsoleRequest_PumpsGuestOutputAndKeystrokesBothWays_UntilThePortalCloses()
    {
        var vm = await VmAsync("web-01", start: true);
        using var stop = new CancellationTokenSource(Deadline * 2);
        var worker = Worker();
        var loop = worker.RunAsync(stop.Token);
        var request = new ConsoleRequest(Guid.NewGuid(), vm.Id, vm.Name);

        _portal.Queue(request);
        var portal = await PortalEndAsync(request);
        var screen = new StringBuilder();
        await ReadUntilAsync(portal, screen, "web-01 login: ");
        await portal.SendAsync(Encoding.ASCII.GetBytes("root\r"), WebSocketMessageType.Binary, true, default);
        await ReadUntilAsync(portal, screen, "Login incorrect");

        Assert.Contains("TenantPortal simulated serial console", screen.ToString());
        Assert.Contains("web-01 login: root\r\nLogin incorrect\r\nweb-01 login: ", screen.ToString());
        Assert.Equal(1, worker.ActiveSessions);

        await portal.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "Disconnected by the viewer.", default);
        var close = await ReadUntilCloseAsync(portal);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, close.CloseStatus);
        await Eventually.Async(() => Task.FromResult(worker.ActiveSessions == 0), what: "the session to end on the agent");
        Assert.Equal(VmPowerState.Running, _driver.Find(vm.Id)!.State);

        await stop.CancelAsync();
        await loop.WaitAsync(Deadline);
    }

    [Fact]
    public async Task StoppedVm_ConsoleRequest_ClosesTheSessionWithTheReason()
    {
        var vm = await VmAsync("db-01", start: false);
        var request = new ConsoleRequest(Guid.NewGuid(), vm.Id, vm.Name);

        await Worker().ServeAsync(request, default).WaitAsync(Deadline);

        var close = await ReadUntilCloseAsync(_portal.PortalEnd(request.SessionId)!);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, close.CloseStatus);
        Assert.Contains("only a running VM has a serial console", close.CloseStatusDescription);
    }

    [Fact]
    public async Task VmNotOnThisHost_ConsoleRequest_ClosesSayingSo()
    {
        var request = new ConsoleRequest(Guid.NewGuid(), Guid.NewGuid(), "elsewhere");

        await Worker().ServeAsync(request, default).WaitAsync(Deadline);

        var close = await ReadUntilCloseAsync(_portal.PortalEnd(request.SessionId)!);
        Assert.Equal("VM 'elsewhere' is not on this host.", close.CloseStatusDescription);
    }

    [Fact]
    public async Task TwoViewers_EachGetTheirOwnConsole_ClosingOneLeavesTheOther()
    {
        var vm = await VmAsync("app-01", start: true);
        var worker = Worker();
        var first = new ConsoleRequest(Guid.NewGuid(), vm.Id, vm.Name);
        var second = new ConsoleRequest(Guid.NewGuid(), vm.Id, vm.Name);
        var serving = new[] { worker.ServeAsync(first, default), worker.ServeAsync(second, default) };
        var one = await PortalEndAsync(first);
        var two = await PortalEndAsync(second);
        await ReadUntilAsync(one, new StringBuilder(), "login: ");
        await ReadUntilAsync(two, new StringBuilder(), "login: ");

        await one.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", default);
        await serving[0].WaitAsync(Deadline);
        await two.SendAsync(Encoding.ASCII.GetBytes("x"), WebSocketMessageType.Binary, true, default);
        var screen = new StringBuilder();
        await ReadUntilAsync(two, screen, "x");

        Assert.False(serving[1].IsCompleted);
        await two.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", default);
        await serving[1].WaitAsync(Deadline);
    }

    [Fact]
    public async Task BeyondMaxSessions_ARequestIsClosedWithTheReason()
    {
        var vm = await VmAsync("busy-01", start: true);
        var worker = Worker(maxSessions: 1);
        var held = new ConsoleRequest(Guid.NewGuid(), vm.Id, vm.Name);
        var serving = worker.ServeAsync(held, default);
        var heldEnd = await PortalEndAsync(held);

        var extra = new ConsoleRequest(Guid.NewGuid(), vm.Id, vm.Name);
        await worker.ServeAsync(extra, default).WaitAsync(Deadline);

        var close = await ReadUntilCloseAsync(_portal.PortalEnd(extra.SessionId)!);
        Assert.Contains("1 consoles at once", close.CloseStatusDescription);
        await heldEnd.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", default);
        await serving.WaitAsync(Deadline);
    }

    private async Task<WebSocket> PortalEndAsync(ConsoleRequest request) =>
        (await Eventually.ValueAsync(() => Task.FromResult(_portal.PortalEnd(request.SessionId)), s => s is not null,
            $"the agent to connect session {request.SessionId}", describe: _ => "not connected"))!;

    private static async Task ReadUntilAsync(WebSocket socket, StringBuilder screen, string expected)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[4096];
        while (!screen.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var received = await socket.ReceiveAsync(buffer, deadline.Token);
            Assert.NotEqual(WebSocketMessageType.Close, received.MessageType);
            Assert.Equal(WebSocketMessageType.Binary, received.MessageType);
            screen.Append(Encoding.ASCII.GetString(buffer, 0, received.Count));
        }
    }

    private static async Task<WebSocketReceiveResult> ReadUntilCloseAsync(WebSocket socket)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, deadline.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return received;
            }
        }
    }
}
