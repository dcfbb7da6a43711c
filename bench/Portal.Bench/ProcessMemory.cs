using System.Diagnostics;
using System.Globalization;

namespace Portal.Bench;

/// <summary>This process's managed heap (live objects after a full GC) and working set at one moment.</summary>
public readonly record struct MemorySnapshot(long ManagedBytes, long WorkingSetBytes);

/// <summary>Memory of this process, of the browser it started, and of the machine (Linux /proc).</summary>
public static class ProcessMemory
{
    /// <summary>
    /// A full, compacting GC that also gives free memory back to the OS (<see cref="GCCollectionMode.Aggressive"/>), then
    /// the live managed bytes and the working set: taken the same way before and after, so a difference is what stayed.
    /// </summary>
    public static MemorySnapshot Snapshot()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        return new MemorySnapshot(managed, self.WorkingSet64);
    }

    /// <summary>MemAvailable of /proc/meminfo: what the machine can still give without swapping.</summary>
    public static long AvailableBytes()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// The proportional set size (shared pages split among their sharers) of every Chromium process descended from this
    /// process: the browser, its zygotes, GPU/utility and renderer processes.
    /// </summary>
    public static long ChromiumPssBytes()
    {
        var parents = new Dictionary<int, int>();
        var names = new Dictionary<int, string>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var close = stat.LastIndexOf(')');
                names[pid] = stat[(stat.IndexOf('(') + 1)..close];
                parents[pid] = int.Parse(stat[(close + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }

        var self = Environment.ProcessId;
        long total = 0;
        foreach (var (pid, name) in names)
        {
            if (name.Contains("chrom", StringComparison.OrdinalIgnoreCase) && DescendsFrom(pid, self, parents))
            {
                total += Pss(pid);
            }
        }

        return total;
    }

    private static bool DescendsFrom(int pid, int ancestor, Dictionary<int, int> parents)
    {
        for (var depth = 0; depth < 64 && parents.TryGetValue(pid, out var parent) && parent > 1; depth++, pid = parent)
        {
            if (parent == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    private static long Pss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
