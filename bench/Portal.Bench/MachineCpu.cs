using System.Globalization;

namespace Portal.Bench;

/// <summary>How busy the whole machine's CPUs are, from /proc/stat (Linux); NaN elsewhere.</summary>
public static class MachineCpu
{
    public static async Task<double> BusyPercentAsync(TimeSpan window, CancellationToken ct)
    {
        var first = Read();
        await Task.Delay(window, ct);
        var second = Read();
        if (first is null || second is null || second.Value.Total <= first.Value.Total)
        {
            return double.NaN;
        }

        var total = second.Value.Total - first.Value.Total;
        var idle = second.Value.Idle - first.Value.Idle;
        return 100.0 * (total - idle) / total;
    }

    /// <summary>The 1, 5 and 15 minute load averages, or "?" where the system does not say.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>The CPU's model name from /proc/cpuinfo; "unknown" elsewhere.</summary>
    public static string Model()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static (long Total, long Idle)? Read()
    {
        try
        {
            // "cpu  user nice system idle iowait irq softirq steal ..."
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            return (fields.Sum(), fields[3] + fields[4]);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
