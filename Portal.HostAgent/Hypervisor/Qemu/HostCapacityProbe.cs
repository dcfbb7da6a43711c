using System.Globalization;
using Portal.Core.Fabric;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>What this host can give VMs, read from the host: its cores, its memory (MemTotal) and the free disk of the data folder.</summary>
internal static class HostCapacityProbe
{
    private const long GiB = 1L << 30;

    public static HostResources Read(string dataFolder)
    {
        var vcpus = Math.Clamp(Environment.ProcessorCount, 1, HostResources.MaxVcpus);
        var memory = (int)Math.Clamp(MemTotalBytes() / GiB, 1, HostResources.MaxMemoryGiB);
        var storage = (int)Math.Clamp(new DriveInfo(Path.GetFullPath(dataFolder)).AvailableFreeSpace / GiB, 1, HostResources.MaxStorageGiB);
        return new HostResources(vcpus, memory, storage);
    }

    private static long MemTotalBytes()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            // "MemTotal:       24576000 kB"
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return GiB;
    }
}
