using System.Globalization;
using System.Text;

namespace Portal.Bench;

/// <summary>Prints the results as Markdown tables, each benchmark beside the baseline measured in the same run.</summary>
public sealed class ResultTable
{
    private readonly List<(Measurement Result, Measurement? Baseline)> _rows = [];
    private readonly List<PgBenchResult> _external = [];

    public void Add(Measurement result, Measurement? baseline = null) => _rows.Add((result, baseline));

    public void AddExternal(IEnumerable<PgBenchResult> results) => _external.AddRange(results);

    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("| Benchmark | ops/s | p50 ms | p99 ms | failed | ops/s vs baseline | p50 vs baseline |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (var (result, baseline) in _rows)
        {
            var throughput = baseline is null ? "baseline" : Ratio(result.PerSecond / baseline.PerSecond);
            var latency = baseline is null ? "baseline" : Ratio(result.P50Ms / baseline.P50Ms);
            text.AppendLine(Invariant(
                $"| {result.Name} | {result.PerSecond:N0} | {result.P50Ms:0.00} | {result.P99Ms:0.00} | {result.Failed} | {throughput} | {latency} |"));
        }

        if (_external.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| External reference (same database) | tps | avg latency ms |");
            text.AppendLine("|---|--:|--:|");
            foreach (var result in _external)
            {
                text.AppendLine(Invariant($"| {result.Name} | {result.Tps:N0} | {result.AverageLatencyMs:0.00} |"));
            }
        }

        return text.ToString();
    }

    private static string Ratio(double value) => Invariant($"{value:0.00}×");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
