using System.Net;
using System.Net.Sockets;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>Free loopback ports, found by letting the kernel pick one (never by guessing).</summary>
internal static class LocalPorts
{
    /// <summary>A port P such that P and P + 1 are both free now (the swtpm TCTI expects the control port at P + 1).</summary>
    public static int FreePair()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)first.LocalEndPoint!).Port;
            if (port >= IPEndPoint.MaxPort)
            {
                continue;
            }

            using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                second.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return port;
            }
            catch (SocketException)
            {
                // The next port is taken; ask again.
            }
        }

        throw new TpmException("Found no two free consecutive loopback ports for swtpm.");
    }

    /// <summary>True when something accepts a TCP connection on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> AcceptsAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
