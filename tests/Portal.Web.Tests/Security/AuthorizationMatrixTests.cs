using Xunit.Abstractions;

namespace Portal.Web.Tests.Security;

/// <summary>
/// Every endpoint the running portal maps × {anonymous, tenant A, tenant B, provider admin, host agent}, against the
/// explicit table in <see cref="AuthorizationMatrix"/>. The route values are tenant A's real resources, so tenant B's
/// 404s are real cross-tenant probes. Reads run first, then changes, then deletions; within a row the callers who must be
/// refused go before those allowed, so nothing a row removes is missing from a later probe.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixApp app, ITestOutputHelper output) : IClassFixture<AuthorizationMatrixApp>
{
    [Fact]
    public void EveryMappedEndpoint_IsClassifiedInTheMatrix()
    {
        var mapped = MappedEndpoints.Of(app.App.Services).Select(e => e.Key).ToHashSet();
        var unclassified = mapped.Except(AuthorizationMatrix.Expected.Keys).Order(StringComparer.Ordinal).ToList();
        var stale = AuthorizationMatrix.Expected.Keys.Except(mapped).Order(StringComparer.Ordinal).ToList();

        Assert.True(unclassified.Count == 0 && stale.Count == 0,
            $"Mapped but not in the authorization matrix (classify them):{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", unclassified)
            + $"{Environment.NewLine}In the matrix but no longer mapped:{Environment.NewLine}  "
            + string.Join(Environment.NewLine + "  ", stale));
    }

    [Fact]
    public async Task EveryMappedEndpoint_AnswersEachCallerAsTheMatrixSays()
    {
        var endpoints = MappedEndpoints.Of(app.App.Services);
        Assert.True(endpoints.Count > 100, $"Only {endpoints.Count} endpoints found");
        var failures = new List<string>();
        var probes = 0;

        foreach (var endpoint in endpoints.OrderBy(e => Phase(e.Method)).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!AuthorizationMatrix.Expected.TryGetValue(endpoint.Key, out var access))
            {
                failures.Add($"{endpoint.Key}: not in the matrix");
                continue;
            }

            var seen = new SortedDictionary<Caller, int>();
            foreach (var caller in Enum.GetValues<Caller>().OrderBy(c => access.For(c).HasFlag(Outcome.Allowed)))
            {
                using var request = await MatrixRequests.CreateAsync(endpoint, app);
                using var response = await app.Client(caller).SendAsync(request);
                var status = (int)response.StatusCode;
                var expected = access.For(caller);
                seen[caller] = status;
                if ((Access.Of(status) & expected) == 0)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    failures.Add($"{endpoint.Key} as {caller} ({request.RequestUri}): expected {expected} ({access.Name}), "
                        + $"got {MatrixRequests.Describe(status, body)}");
                }
            }

            probes += seen.Count;
            output.WriteLine($"{endpoint.Key,-62} {string.Join(" ", seen.Select(s => $"{s.Key}={s.Value}"))}");
        }

        output.WriteLine($"{endpoints.Count} endpoints × {Enum.GetValues<Caller>().Length} callers: {probes} probes, {failures.Count} failed.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {probes} probes answered otherwise:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failures));
    }

    /// <summary>Reads, then changes, then deletions.</summary>
    private static int Phase(string method) => method switch
    {
        "GET" or "HEAD" or MappedEndpoint.AnyMethod => 0,
        "DELETE" => 2,
        _ => 1,
    };
}
