using System.Net;
using System.Net.Sockets;

namespace Portal.HostGuardian.RateLimiting;

/// <summary>
/// The rate-limit partition of a client address: the IPv4 address itself, or the /64 network of an IPv6 address (one
/// machine usually owns a whole /64, so counting single IPv6 addresses would let it walk around the limit).
/// </summary>
public static class ClientPartition
{
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
