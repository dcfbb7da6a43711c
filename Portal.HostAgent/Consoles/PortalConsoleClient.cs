using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using Portal.Core.Fabric.Protocol;
using Portal.HostAgent.Fabric;

namespace Portal.HostAgent.Consoles;

/// <summary>The portal's console relay as this host calls it (<c>Authorization: Bearer</c> with the host credential).</summary>
public sealed class PortalConsoleClient(
    IHttpClientFactory http,
    HostCredentialStore store,
    IOptions<HostAgentOptions> agent,
    IOptions<ConsoleAgentOptions> options) : IConsoleChannel
{
    // The poll is answered by the portal within its wait; the client outwaits it by a margin.
    private static readonly TimeSpan PollTimeoutMargin = TimeSpan.FromSeconds(15);

    public async Task<ConsoleRequest?> NextAsync(TimeSpan wait, CancellationToken ct)
    {
        var client = http.CreateClient(PortalFabricClient.HttpClientName);
        client.Timeout = wait + PollTimeoutMargin;
        var seconds = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        using var message = new HttpRequestMessage(HttpMethod.Get, $"{ConsoleRoutes.Next}?waitSeconds={seconds}");
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Credential());
        using var response = await client.SendAsync(message, ct);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<ConsoleRequest>(PortalFabricClient.Json, ct)
                ?? throw new HttpRequestException("The portal answered with an empty body.");
        }

        var status = (int)response.StatusCode;
        if (status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout))
        {
            throw new FabricRefusedException(response.StatusCode, response.ReasonPhrase ?? "");
        }

        throw new HttpRequestException($"The portal answered {status}.", null, response.StatusCode);
    }

    public async Task<WebSocket> ConnectAsync(Guid sessionId, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {Credential()}");
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(SessionUri(agent.Value.PortalUrl, sessionId), timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The session's address on the portal: <c>ws:</c> for <c>http:</c>, <c>wss:</c> for <c>https:</c>.</summary>
    public static Uri SessionUri(Uri portal, Guid sessionId)
    {
        ArgumentNullException.ThrowIfNull(portal);
        var builder = new UriBuilder(new Uri(portal, ConsoleRoutes.Session(sessionId)))
        {
            Scheme = portal.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        return builder.Uri;
    }

    private string Credential() => store.Load()?.Credential
        ?? throw new InvalidOperationException("This host has not joined the fabric yet; it has no credential for consoles.");
}
