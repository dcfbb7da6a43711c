using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Portal.ServiceDefaults;

/// <summary>
/// Starts a web app so that a port already in use gives one line naming the port and the setting to change, and exit
/// code <see cref="ExitCode"/>, instead of two stack traces and an abort. The configured addresses are tried before
/// anything else starts; Kestrel's own bind failure (a port taken in between) gives the same line.
/// </summary>
public static class PortGuard
{
    public const int ExitCode = 2;

    public static async Task RunWithPortGuardAsync(this WebApplication app)
    {
        if (FirstTakenAddress(app.Configuration) is { } taken)
        {
            Report(taken.Port, taken.Url, taken.Setting);
            return;
        }

        try
        {
            await app.RunAsync();
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            // Kestrel says "Failed to bind to address http://host:port: address already in use."
            var url = e.Message.Split(' ').FirstOrDefault(w => w.Contains("://", StringComparison.Ordinal))?.TrimEnd(':');
            Report(url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : null, url, UrlsSetting);
        }
    }

    private const string UrlsSetting = "--urls, ASPNETCORE_URLS or the Urls setting";

    private static void Report(int? port, string? url, string setting)
    {
        var what = port is null ? "The address to listen on" : $"Port {port} ({url})";
        Console.Error.WriteLine($"{what} is already in use: stop whatever listens there or choose another address with {setting} (e.g. --urls http://localhost:5080).");
        Environment.ExitCode = ExitCode;
    }

    private sealed record Taken(int Port, string Url, string Setting);

    private static Taken? FirstTakenAddress(IConfiguration configuration)
    {
        foreach (var (url, setting) in ConfiguredUrls(configuration))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                continue; // Kestrel reports a malformed address itself.
            }

            if (address.IsNamedPipe || address.IsUnixPipe || address.Port == 0)
            {
                continue;
            }

            if (IsTaken(Endpoints(address.Host), address.Port))
            {
                return new Taken(address.Port, url, setting);
            }
        }

        return null;
    }

    /// <summary>Where Kestrel will listen: its Endpoints section wins, then urls, then http(s)_ports, then its default.</summary>
    private static IEnumerable<(string Url, string Setting)> ConfiguredUrls(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).OfType<string>().ToList();
        if (endpoints.Count > 0)
        {
            return endpoints.Select(u => (u, "Kestrel:Endpoints:<name>:Url"));
        }

        if (Split(configuration["urls"]) is { Count: > 0 } urls)
        {
            return urls.Select(u => (u, UrlsSetting));
        }

        var ports = Split(configuration["http_ports"]).Select(p => ($"http://*:{p}", "ASPNETCORE_HTTP_PORTS"))
            .Concat(Split(configuration["https_ports"]).Select(p => ($"https://*:{p}", "ASPNETCORE_HTTPS_PORTS")))
            .ToList();
        return ports.Count > 0 ? ports : [("http://localhost:5000", UrlsSetting)];
    }

    private static List<string> Split(string? value) =>
        [.. (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static IEnumerable<IPAddress> Endpoints(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        }

        if (IPAddress.TryParse(host, out var ip))
        {
            return [ip];
        }

        // "*", "+", a host name: Kestrel listens on every interface.
        return [Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any];
    }

    private static bool IsTaken(IEnumerable<IPAddress> addresses, int port)
    {
        foreach (var ip in addresses)
        {
            try
            {
                using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (ip.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                socket.Bind(new IPEndPoint(ip, port));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return true;
            }
            catch (SocketException)
            {
                // Not ours to judge (e.g. an address this machine lacks): Kestrel reports it.
            }
        }

        return false;
    }
}
