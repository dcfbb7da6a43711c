namespace Portal.Bench;

/// <summary>B5: many simulated agents heartbeating with long-polls open.</summary>
internal static class FleetBench
{
    public static Task RunAsync(BenchOptions options, CancellationToken ct) =>
        throw new NotImplementedException("FleetBench is not written yet.");
}
