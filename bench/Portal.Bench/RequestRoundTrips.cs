using System.Globalization;
using System.Text;

namespace Portal.Bench;

/// <summary>
/// The SQL round trips of single requests, counted from EF Core's diagnostic events (<see cref="SqlCapture"/>): where a
/// request's time goes on the database side. Messages on the cluster bus (<c>pg_notify</c>, sent by Npgsql directly)
/// are not EF Core commands and are not counted.
/// </summary>
public static class RequestRoundTrips
{
    /// <summary>Runs <paramref name="operation"/> once while counting and returns what it sent.</summary>
    public static async Task<IReadOnlyList<CapturedCommand>> CaptureAsync(BenchOperation operation, CancellationToken ct)
    {
        using var capture = new SqlCapture();
        capture.Start();
        var error = await operation(0, long.MaxValue, ct);
        var commands = capture.Stop();
        return error is null ? commands : throw new InvalidOperationException(error);
    }

    public static string Render(IEnumerable<IReadOnlyList<CapturedCommand>> captures)
    {
        var text = new StringBuilder();
        text.AppendLine("| One request | SQL commands | commits | round trips |");
        text.AppendLine("|---|--:|--:|--:|");
        foreach (var group in captures.SelectMany(c => c).GroupBy(c => c.Origin))
        {
            var commands = group.Count(c => c.Kind == "command");
            var commits = group.Count(c => c.Kind == "COMMIT");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| `{group.Key}` | {commands} | {commits} | {group.Count()} |"));
        }

        return text.ToString();
    }
}
