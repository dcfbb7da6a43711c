using Microsoft.Extensions.Options;
using Portal.Data.Cluster;
using Portal.Web.Infrastructure.ChangeFeed;

namespace Portal.Web.Features.Jobs;

/// <summary>
/// The fabric controller's loop: take back expired leases, then place waiting jobs — at once when a host, job or VM
/// changes (a host recovers, capacity frees, a job is queued), and every sweep interval regardless. It runs in one
/// portal process at a time, the leader of <see cref="LockName"/>; when that process dies another takes over.
/// </summary>
internal sealed class FabricController(
    JobReaper reaper,
    JobPlacement placement,
    IChangeFeed changes,
    IClusterLocks locks,
    IOptions<FabricControllerOptions> options,
    ILogger<FabricController> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public const string LockName = "fabric-controller";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        locks.RunWhileLeaderAsync(LockName, RunAsync, stoppingToken);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        using var subscription = changes.Subscribe(ChangeAudience.Provider, change =>
        {
            if (change.Kind is ChangeKind.Host or ChangeKind.Job or ChangeKind.VirtualMachine or ChangeKind.Resync)
            {
                Wake();
            }

            return Task.CompletedTask;
        });

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await reaper.ReapAsync(stoppingToken);
                await placement.PlaceWaitingAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database outage must not end the loop: the next sweep tries again.
                logger.LogError(e, "The fabric controller's sweep failed; trying again");
            }

            try
            {
                await _wake.WaitAsync(options.Value.SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }
}
