using System.Text;

namespace Portal.Web.Features.DemoOffer;

/// <summary>
/// The embedded demo's template disk: a recognisable header, then pseudo-random blocks from a fixed seed, so every
/// fresh install makes the same bytes (and the same hash) without shipping a binary.
/// </summary>
public static class DemoDisk
{
    public const string FileName = "tenantportal-demo-linux.disk";

    public const int Length = 4 * 1024 * 1024;

    private const int Seed = 20261206;

    public static byte[] Create()
    {
        var bytes = new byte[Length];
        new Random(Seed).NextBytes(bytes);
        var header = Encoding.ASCII.GetBytes("TENANTPORTAL DEMO TEMPLATE DISK v1\n(not an operating system: the simulated hypervisor boots it)\n");
        header.CopyTo(bytes, 0);
        return bytes;
    }
}
