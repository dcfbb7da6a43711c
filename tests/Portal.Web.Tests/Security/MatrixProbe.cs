using Xunit.Abstractions;

namespace Portal.Web.Tests.Security;

/// <summary>
/// Calls every endpoint as every caller and compares what authorization let through with the table. Reads run first, then
/// changes, then deletions; within a row the callers who must be refused go before those allowed, so a refused probe meets
/// the resource the allowed one then proves was there, and nothing a row removes is missing from a later probe.
/// </summary>
public static class MatrixProbe
{
    /// <summary>Every mismatch, naming the endpoint, the caller, the expectation and what came back.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(
        IReadOnlyList<MappedEndpoint> endpoints,
        IReadOnlyDictionary<string, Access> table,
        Func<MappedEndpoint, Task<HttpRequestMessage>> requestFor,
        Func<Caller, HttpClient> clientOf,
        ITestOutputHelper output)
    {
        var failures = new List<string>();
        var probes = 0;
        foreach (var endpoint in endpoints.OrderBy(e => Phase(e.Method)).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!table.TryGetValue(endpoint.Key, out var access))
            {
                failures.Add($"{endpoint.Key}: not in the matrix");
                continue;
            }

            var seen = new SortedDictionary<Caller, int>();
            foreach (var caller in Enum.GetValues<Caller>().OrderBy(c => access.For(c).HasFlag(Outcome.Allowed)))
            {
                using var request = await requestFor(endpoint);
                using var response = await clientOf(caller).SendAsync(request);
                var status = (int)response.StatusCode;
                var expected = access.For(caller);
                seen[caller] = status;
                if ((Access.Of(status) & expected) == 0)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    failures.Add($"{endpoint.Key} as {caller} ({request.RequestUri?.AbsolutePath}): expected {expected} ({access.Name}), "
                        + $"got {status} {(body.Length > 200 ? body[..200] + "…" : body)}");
                }
            }

            probes += seen.Count;
            output.WriteLine($"{endpoint.Key,-62} {string.Join(" ", seen.Select(s => $"{s.Key}={s.Value}"))}");
        }

        output.WriteLine($"{endpoints.Count} endpoints × {Enum.GetValues<Caller>().Length} callers: {probes} probes, {failures.Count} failed.");
        return failures;
    }

    /// <summary>The set of mapped endpoints must be the table's: nothing unclassified, nothing stale.</summary>
    public static void AssertClassified(IEnumerable<string> mapped, IEnumerable<string> table)
    {
        var mappedSet = mapped.ToHashSet();
        var tableSet = table.ToHashSet();
        var unclassified = mappedSet.Except(tableSet).Order(StringComparer.Ordinal).ToList();
        var stale = tableSet.Except(mappedSet).Order(StringComparer.Ordinal).ToList();
        Assert.True(unclassified.Count == 0 && stale.Count == 0,
            $"Mapped but not in the authorization matrix (classify them):{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", unclassified)
            + $"{Environment.NewLine}In the matrix but not mapped:{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", stale));
    }

    public static void AssertNone(IReadOnlyList<string> failures) =>
        Assert.True(failures.Count == 0, $"{failures.Count} probes answered otherwise:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failures));

    /// <summary>Reads, then changes, then deletions.</summary>
    private static int Phase(string method) => method switch
    {
        "GET" or "HEAD" or MappedEndpoint.AnyMethod => 0,
        "DELETE" => 2,
        _ => 1,
    };
}
