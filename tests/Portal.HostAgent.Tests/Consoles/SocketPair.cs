using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Portal.HostAgent.Tests.Consoles;

/// <summary>Two connected WebSockets over loopback TCP: the portal's end and the agent's end of one console session.</summary>
public sealed class SocketPair : IDisposable
{
    private readonly TcpClient _client;
    private readonly TcpClient _server;

    private SocketPair(TcpClient client, TcpClient server)
    {
        _client = client;
        _server = server;
        Agent = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false });
        Portal = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true });
    }

    public WebSocket Agent { get; }

    public WebSocket Portal { get; }

    public static async Task<SocketPair> ConnectAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accepted = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        return new SocketPair(client, await accepted);
    }

    public void Dispose()
    {
        Agent.Dispose();
        Portal.Dispose();
        _client.Dispose();
        _server.Dispose();
    }
}
