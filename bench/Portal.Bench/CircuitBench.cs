namespace Portal.Bench;

/// <summary>B3: memory per Blazor circuit in headless Chromium.</summary>
internal static class CircuitBench
{
    public static Task RunAsync(BenchOptions options, CancellationToken ct) =>
        throw new NotImplementedException("CircuitBench is not written yet.");
}
