namespace Portal.Bench;

/// <summary>B6: a killed agent's job back in the queue.</summary>
internal static class RecoveryBench
{
    public static Task RunAsync(BenchOptions options, CancellationToken ct) =>
        throw new NotImplementedException("RecoveryBench is not written yet.");
}
