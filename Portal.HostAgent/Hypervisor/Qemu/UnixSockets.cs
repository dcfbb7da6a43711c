using System.Net.Sockets;

namespace Portal.HostAgent.Hypervisor.Qemu;

internal static class UnixSockets
{
    /// <summary>Longest path a unix socket address holds (sun_path, 108 bytes with its terminating zero).</summary>
    public const int MaxPathLength = 107;

    /// <summary>Connects to a unix socket a process is about to create, polling until it accepts or the timeout passes.</summary>
    public static async Task<Socket> ConnectAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                return socket;
            }
            catch (SocketException) when (DateTimeOffset.UtcNow < deadline)
            {
                socket.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(20), ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }
}
