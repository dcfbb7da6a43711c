using Portal.Data.Cluster;
using Portal.Data.Idempotency;

namespace Portal.Web.Infrastructure.Idempotency;

/// <summary>
/// Deletes expired Idempotency-Key records every hour (a key is replayed for 24 hours), in one portal process at a time.
/// </summary>
internal sealed partial class IdempotencySweeper(
    IdempotencyStore store, IClusterLocks locks, TimeProvider time, ILogger<IdempotencySweeper> logger)
    : BackgroundService
{
    public const string LockName = "idempotency-sweeper";

    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        locks.RunWhileLeaderAsync(LockName, SweepHourlyAsync, stoppingToken);

    private async Task SweepHourlyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var removed = await store.SweepAsync(stoppingToken);
                if (removed > 0)
                {
                    LogSwept(removed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed {Count} expired idempotency records")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping expired idempotency records failed; retrying in an hour")]
    private partial void LogSweepFailed(Exception exception);
}
