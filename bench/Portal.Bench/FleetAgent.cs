using System.Diagnostics;
using System.Net;

namespace Portal.Bench;

/// <summary>
/// A simulated host of the fleet benchmark, joined through the real protocol: it beats on a schedule of its own (its
/// offset spreads the fleet's beats over the interval) and keeps a claim long-poll open as the real agent's job loop
/// does — claim with the agent's wait, and at once again when the portal answers 204.
/// </summary>
public sealed class FleetAgent(BenchAgent agent, FleetMeter meter)
{
    // As the real agent: it outwaits the portal's answer to a claim by this much, and waits before trying again.
    private static readonly TimeSpan ClaimTimeoutMargin = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryInterval = new HostAgent.HostAgentOptions().RetryInterval;

    /// <summary>A beat taking longer than this counts as failed.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Beats at <paramref name="offset"/> after <paramref name="start"/> and every <paramref name="interval"/> after, until cancelled.</summary>
    public async Task BeatAsync(long start, TimeSpan offset, TimeSpan interval, CancellationToken ct)
    {
        var next = offset;
        while (!ct.IsCancellationRequested)
        {
            var due = next - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, ct);
            }

            var started = Stopwatch.GetTimestamp();
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(HeartbeatTimeout);
                try
                {
                    await agent.BeatAsync(timeout.Token);
                    meter.Beat(Stopwatch.GetTimestamp() - started);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    meter.BeatFailed($"{agent.Name}: {e.GetType().Name}: {e.Message}");
                }
            }

            // A beat that overran its slot does not make the next ones come in a burst: keep to the schedule.
            var elapsed = Stopwatch.GetElapsedTime(start);
            do
            {
                next += interval;
            }
            while (next < elapsed);
        }
    }

    /// <summary>From <paramref name="offset"/> on, one claim open at all times, each waiting up to <paramref name="wait"/>.</summary>
    public async Task LongPollAsync(TimeSpan offset, TimeSpan wait, CancellationToken ct)
    {
        await Task.Delay(offset, ct);
        while (!ct.IsCancellationRequested)
        {
            string? error;
            meter.ClaimOpened();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(wait + ClaimTimeoutMargin);
                var status = await agent.ClaimAsync(wait, timeout.Token);
                error = status == HttpStatusCode.NoContent ? null : $"{agent.Name}: claim answered {(int)status}";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                error = $"{agent.Name}: {e.GetType().Name}: {e.Message}";
            }
            finally
            {
                meter.ClaimClosed();
            }

            meter.ClaimAnswered(error);
            if (error is not null)
            {
                await Task.Delay(RetryInterval, ct);
            }
        }
    }
}

/// <summary>
/// What the fleet's agents saw while a window was open: heartbeat latencies and failures, claims answered and failed,
/// and how many long-polls were open at the least.
/// </summary>
public sealed class FleetMeter
{
    private FleetWindow? _window;
    private int _openClaims;

    public int OpenClaims => Volatile.Read(ref _openClaims);

    public void Open() => Volatile.Write(ref _window, new FleetWindow());

    public FleetWindow Close() => Interlocked.Exchange(ref _window, null) ?? throw new InvalidOperationException("No window is open.");

    public void Beat(long ticks) => Volatile.Read(ref _window)?.Beat(ticks);

    public void BeatFailed(string error) => Volatile.Read(ref _window)?.BeatFailed(error);

    public void ClaimOpened() => Interlocked.Increment(ref _openClaims);

    public void ClaimClosed() => Interlocked.Decrement(ref _openClaims);

    public void ClaimAnswered(string? error) => Volatile.Read(ref _window)?.ClaimAnswered(error);

    public void SampleOpenClaims() => Volatile.Read(ref _window)?.SampleOpenClaims(OpenClaims);
}

/// <summary>One measured window of <see cref="FleetMeter"/>.</summary>
public sealed class FleetWindow
{
    private readonly Lock _lock = new();
    private readonly List<long> _beats = new(capacity: 64_000);
    private int _minOpenClaims = int.MaxValue;

    public long BeatsFailed { get; private set; }

    public string? FirstBeatError { get; private set; }

    public long ClaimsAnswered { get; private set; }

    public long ClaimsFailed { get; private set; }

    public string? FirstClaimError { get; private set; }

    public int MinOpenClaims => _minOpenClaims == int.MaxValue ? 0 : _minOpenClaims;

    /// <summary>The latencies of the successful beats, in ms, sorted.</summary>
    public IReadOnlyList<double> BeatMs()
    {
        lock (_lock)
        {
            return [.. _beats.Order().Select(t => t * 1000.0 / Stopwatch.Frequency)];
        }
    }

    internal void Beat(long ticks)
    {
        lock (_lock)
        {
            _beats.Add(ticks);
        }
    }

    internal void BeatFailed(string error)
    {
        lock (_lock)
        {
            BeatsFailed++;
            FirstBeatError ??= error;
        }
    }

    internal void ClaimAnswered(string? error)
    {
        lock (_lock)
        {
            if (error is null)
            {
                ClaimsAnswered++;
                return;
            }

            ClaimsFailed++;
            FirstClaimError ??= error;
        }
    }

    internal void SampleOpenClaims(int open)
    {
        lock (_lock)
        {
            _minOpenClaims = Math.Min(_minOpenClaims, open);
        }
    }
}
