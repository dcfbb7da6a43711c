using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;
using Portal.HostAgent.Fabric;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// Renews a job's lease in the background every third of its duration while the job runs, so a long step (a large
/// disk) does not lose it. When the portal says the host lost the job, it cancels the run at once.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly IJobChannel _portal;
    private readonly JobAssignment _job;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _run;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LeaseKeeper(IJobChannel portal, JobAssignment job, TimeProvider time, ILogger logger, CancellationTokenSource run)
    {
        _portal = portal;
        _job = job;
        _time = time;
        _logger = logger;
        _run = run;
        // Runs up to its first wait before Start returns, so the renewal timer is set from the job's first moment.
        _loop = RenewAsync(_stop.Token);
    }

    /// <summary>Set when the portal refused a renewal: the lease is gone (409) or the host was removed (401).</summary>
    public Exception? LostBecause { get; private set; }

    public static LeaseKeeper Start(IJobChannel portal, JobAssignment job, TimeProvider time, ILogger logger, CancellationTokenSource run) =>
        new(portal, job, time, logger, run);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RenewAsync(CancellationToken ct)
    {
        var interval = _job.LeaseDuration / 3;
        if (interval <= TimeSpan.Zero)
        {
            interval = TimeSpan.FromSeconds(1);
        }

        try
        {
            while (true)
            {
                await Task.Delay(interval, _time, ct);
                try
                {
                    await _portal.RenewLeaseAsync(_job.JobId, _job.FencingToken, ct);
                }
                catch (Exception e) when (e is LeaseLostException or FabricRefusedException)
                {
                    _logger.LogWarning("Job {JobId}: the portal refused to renew the lease; stopping work on it", _job.JobId);
                    LostBecause = e;
                    await _run.CancelAsync();
                    return;
                }
                catch (Exception e) when (TransientFailure.Is(e, ct))
                {
                    _logger.LogWarning("Job {JobId}: the lease could not be renewed ({Error}); trying again", _job.JobId, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The job ended.
        }
    }
}
