using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Attestation;
using Portal.Core.Fabric;
using Portal.Data;
using Portal.Testing;
using Portal.Web.Features.EmbeddedFabric;
using Portal.Web.Infrastructure.ChangeFeed;
using Portal.Web.Infrastructure.Operations;

namespace Portal.Web.Tests.Operations;

public sealed class IdleLogTests(EmbeddedDefaultServer server) : IClassFixture<EmbeddedDefaultServer>
{
    private const int HostCount = 3;
    private const int QuietBeats = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // The hosts start one after another, each making its TPM's keys and registering with HGS: on a loaded machine the
    // third has been seen still starting after a minute.
    private static readonly TimeSpan StartUpDeadline = TimeSpan.FromMinutes(3);

    private readonly EmbeddedDefaultServer _server = server;

    [Fact]
    public async Task EmbeddedDefault_SettledFabric_HeartbeatsWithNothingChanging_AddNoLogLine_AndAnnounceNoChange()
    {
        await SettledAsync();

        var announced = new ConcurrentBag<PortalChange>();
        var feed = _server.Services.GetRequiredService<IChangeFeed>();
        using var listening = feed.Subscribe(ChangeAudience.Provider, change =>
        {
            if (change.Kind == ChangeKind.Host)
            {
                announced.Add(change);
            }

            return Task.CompletedTask;
        });
        var before = _server.Logs.Lines.Count;

        var beats = new Dictionary<string, HashSet<DateTimeOffset?>>();
        await Eventually.Async(async () =>
        {
            foreach (var host in await ReadHostsAsync())
            {
                (beats.TryGetValue(host.Name, out var seen) ? seen : beats[host.Name] = []).Add(host.LastHeartbeatAt);
            }

            return beats.Count == HostCount && beats.Values.All(seen => seen.Count >= QuietBeats);
        }, Deadline, $"{QuietBeats} heartbeats of each simulated host");

        var added = _server.Logs.Lines.Skip(before)
            .Where(line => Enum.Parse<LogLevel>(line[..line.IndexOf(' ', StringComparison.Ordinal)]) >= LogLevel.Information)
            .ToList();
        Assert.True(added.Count == 0, $"An idle fabric logged:\n{string.Join('\n', added)}");
        Assert.True(announced.IsEmpty, $"Heartbeats that changed nothing announced {announced.Count} host change(s)");
    }

    [Fact]
    public async Task FirstStart_Banner_ShowsUrlAndPassword_AndThePasswordReachesNoLog()
    {
        await SettledAsync();
        var banner = _server.Services.GetRequiredService<FirstStartBanner>();

        var text = banner.Render(["http://portal.test"]);
        var password = text.Split('\n').Single(l => l.Contains("password:", StringComparison.Ordinal))
            .Split("password:")[1].Trim(' ', '|');

        Assert.StartsWith("\n+====", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("TenantPortal is running at http://portal.test", text, StringComparison.Ordinal);
        Assert.Contains("admin@tenantportal.local", text, StringComparison.Ordinal);
        Assert.True(password.Length >= 20, password);
        Assert.DoesNotContain(password, _server.Logs.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every simulated host joined and its attestation is recorded as it will stay (two Passed, the third failing
    /// SecureBoot), and each has beaten once more since, so the agents have heard that too.
    /// </summary>
    private async Task SettledAsync()
    {
        await Eventually.ValueAsync(ReadHostsAsync, hosts => hosts.Count == HostCount && hosts.All(h => h.Settled),
            "the embedded fabric to settle", StartUpDeadline);
        var settledAt = DateTimeOffset.UtcNow;
        await Eventually.ValueAsync(ReadHostsAsync, hosts => hosts.All(h => h.LastHeartbeatAt > settledAt),
            "a heartbeat of each host after settling", Deadline);
    }

    private async Task<List<HostView>> ReadHostsAsync()
    {
        await using var scope = _server.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var hosts = await db.GuardedHosts.AsNoTracking()
            .Where(h => h.Name.StartsWith(SimulatedFabric.HostNamePrefix) && h.State == HostState.Active)
            .ToListAsync();
        return [.. hosts.Select(h => new HostView(
            h.Name,
            h.Name.EndsWith("-3", StringComparison.Ordinal)
                ? h.AttestationStatus == AttestationStatus.InsecureHostConfiguration
                : h.AttestationStatus == AttestationStatus.Passed,
            h.LastHeartbeatAt))];
    }

    private sealed record HostView(string Name, bool Settled, DateTimeOffset? LastHeartbeatAt);
}
