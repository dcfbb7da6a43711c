using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Core.Fabric.Protocol;
using Portal.Web.Tests.Fabric;
using Portal.Web.Tests.Offers;

namespace Portal.Web.Tests.Consoles;

/// <summary>WebSockets against the test server: a viewer's (bearer or cookie + Origin) and a host's (host credential).</summary>
public static class ConsoleSockets
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static Task<WebSocket> ConnectAsync(WebApplicationFactory<Program> app, string path, IReadOnlyDictionary<string, string> headers)
    {
        var client = app.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            foreach (var (name, value) in headers)
            {
                request.Headers[name] = value;
            }
        };
        return client.ConnectAsync(new Uri(app.Server.BaseAddress, path), new CancellationTokenSource(Deadline).Token);
    }

    /// <summary>The viewer's socket with the API client's bearer token.</summary>
    public static Task<WebSocket> ViewerAsync(WebApplicationFactory<Program> app, HttpClient tenant, Guid vmId) =>
        ConnectAsync(app, $"/api/v1/vms/{vmId}/console", new Dictionary<string, string>
        {
            ["Authorization"] = tenant.DefaultRequestHeaders.Authorization!.ToString(),
        });

    /// <summary>
    /// The host's side as an agent runs it: one long poll for the next console request, then its WebSocket to the session.
    /// </summary>
    public static async Task<(ConsoleRequest Request, WebSocket Socket)> HostTakesNextAsync(WebApplicationFactory<Program> app, TestJobAgent agent)
    {
        var request = await NextRequestAsync(agent);
        return (request, await HostConnectAsync(app, agent, request.SessionId));
    }

    public static async Task<ConsoleRequest> NextRequestAsync(TestJobAgent agent)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var response = await agent.Client.GetAsync($"{ConsoleRoutes.Next}?waitSeconds=1");
            if (response.StatusCode == System.Net.HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<ConsoleRequest>(OffersJson.Options))!;
            }

            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }

        throw new Xunit.Sdk.XunitException($"Host {agent.Agent.Name} got no console request within {Deadline}.");
    }

    public static Task<WebSocket> HostConnectAsync(WebApplicationFactory<Program> app, TestJobAgent agent, Guid sessionId) =>
        ConnectAsync(app, ConsoleRoutes.Session(sessionId), new Dictionary<string, string>
        {
            ["Authorization"] = $"Bearer {agent.Agent.Credential}",
        });

    public static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Binary, true, new CancellationTokenSource(Deadline).Token);

    /// <summary>Reads binary messages until their text holds <paramref name="expected"/>; returns it all.</summary>
    public static async Task<string> ReadUntilAsync(WebSocket socket, string expected)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var text = new StringBuilder();
        var buffer = new byte[8192];
        while (!text.ToString().Contains(expected, StringComparison.Ordinal))
        {
            var received = await socket.ReceiveAsync(buffer, deadline.Token);
            Assert.True(received.MessageType == WebSocketMessageType.Binary,
                $"Expected a binary message, got {received.MessageType} {received.CloseStatus} {received.CloseStatusDescription}; so far: {text}");
            text.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        return text.ToString();
    }

    /// <summary>Reads until the peer's close frame and answers it; returns the close.</summary>
    public static async Task<WebSocketReceiveResult> ReadCloseAsync(WebSocket socket)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var buffer = new byte[8192];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, deadline.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, deadline.Token);
                }

                return received;
            }
        }
    }
}
