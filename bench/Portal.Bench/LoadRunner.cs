using System.Diagnostics;

namespace Portal.Bench;

/// <summary>One operation of a benchmark: returns null when it succeeded, or what went wrong.</summary>
/// <param name="worker">0 … concurrency-1: lets an operation keep per-worker state (its own subscription, say).</param>
/// <param name="sequence">Unique across the whole run of one benchmark (warm-up included), e.g. for names.</param>
/// <param name="ct">Cancelled when the bench is stopped (Ctrl+C).</param>
public delegate Task<string?> BenchOperation(int worker, long sequence, CancellationToken ct);

/// <summary>What one benchmark measured (warm-up excluded). Latencies are of successful operations only.</summary>
public sealed record Measurement(string Name, long Succeeded, long Failed, TimeSpan Elapsed, double P50Ms, double P99Ms, string? FirstError)
{
    public double PerSecond => Succeeded / Elapsed.TotalSeconds;
}

/// <summary>
/// A closed-loop load generator: N workers each run the operation back to back for a fixed time, first a warm-up
/// that is thrown away, then the measured phase. Bounded by time, so it always stops by itself.
/// </summary>
public sealed class LoadRunner(int concurrency, TimeSpan warmup, TimeSpan duration)
{
    public int Concurrency => concurrency;

    public async Task<Measurement> RunAsync(string name, BenchOperation operation, CancellationToken ct)
    {
        long sequence = 0;
        if (warmup > TimeSpan.Zero)
        {
            await PhaseAsync(warmup, operation, () => Interlocked.Increment(ref sequence), ct);
        }

        var (latencies, failed, firstError, elapsed) =
            await PhaseAsync(duration, operation, () => Interlocked.Increment(ref sequence), ct);
        latencies.Sort();
        return new Measurement(name, latencies.Count, failed, elapsed,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), firstError);
    }

    private async Task<(List<long> Latencies, long Failed, string? FirstError, TimeSpan Elapsed)> PhaseAsync(
        TimeSpan length, BenchOperation operation, Func<long> next, CancellationToken ct)
    {
        long failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var latencies = new List<long>(capacity: 16_384);
            while (clock.Elapsed < length)
            {
                ct.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                string? error;
                try
                {
                    error = await operation(worker, next(), ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    error = $"{e.GetType().Name}: {e.Message}";
                }

                var took = Stopwatch.GetTimestamp() - started;
                if (error is null)
                {
                    latencies.Add(took);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }

            return latencies;
        }, ct)).ToList();

        var all = (await Task.WhenAll(workers)).SelectMany(l => l).ToList();
        // Until the last in-flight operation finished: every counted operation fits in this time.
        return (all, failed, firstError, clock.Elapsed);
    }

    private static double Percentile(List<long> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
