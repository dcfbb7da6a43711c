using System.Net;
using Microsoft.Extensions.Options;
using Portal.HostAgent.Fabric;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// Once the host has joined, runs <see cref="HostJobOptions.JobSlots"/> loops that each long-poll the portal for a job
/// and run it. The portal unreachable: wait and claim again. The host removed (401): every loop stops.
/// </summary>
public sealed class JobWorker(
    IJobChannel portal,
    JobExecutor executor,
    HostAgentStatus status,
    HostCredentialStore store,
    IOptions<HostJobOptions> options,
    IOptions<HostAgentOptions> agent,
    TimeProvider time,
    ILogger<JobWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!await WaitUntilJoinedAsync(stoppingToken))
            {
                return;
            }

            await RunSlotsAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The agent is stopping before it joined.
        }
    }

    /// <summary>
    /// Claims and runs jobs in every slot until the host is removed (401) or <paramref name="ct"/> ends; a job under
    /// way then stops where it is and is left to its lease, which the portal hands to a host again.
    /// </summary>
    public async Task RunSlotsAsync(CancellationToken ct)
    {
        using var removed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        logger.LogInformation("Taking jobs with {Slots} slots", options.Value.JobSlots);
        await Task.WhenAll(Enumerable.Range(1, options.Value.JobSlots).Select(slot => SlotAsync(slot, removed)));
    }

    private async Task<bool> WaitUntilJoinedAsync(CancellationToken ct)
    {
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (status.HostId is not null || status.StoppedBecause is not null)
            {
                joined.TrySetResult();
            }
        }

        status.Changed += Check;
        try
        {
            Check();
            await joined.Task.WaitAsync(ct);
        }
        finally
        {
            status.Changed -= Check;
        }

        return status.StoppedBecause is null && store.Load() is not null;
    }

    private async Task SlotAsync(int slot, CancellationTokenSource removed)
    {
        var ct = removed.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var job = await portal.ClaimAsync(options.Value.ClaimWait, ct);
                if (job is not null)
                {
                    await executor.RunAsync(job, ct);
                }

                continue;
            }
            catch (FabricRefusedException e) when (e.Status == HttpStatusCode.Unauthorized)
            {
                logger.LogError("The portal no longer accepts this host's credential; no more jobs are taken: {Detail}", e.Detail);
                await removed.CancelAsync();
                return;
            }
            catch (FabricRefusedException e)
            {
                logger.LogWarning("Job slot {Slot}: the portal refused ({Status}): {Detail}", slot, (int)e.Status, e.Detail);
            }
            catch (HttpRequestException e)
            {
                logger.LogWarning("Job slot {Slot}: the portal cannot be reached ({Error}); claiming again later", slot, e.Message);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Job slot {Slot}: the portal did not answer in time; claiming again later", slot);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Job slot {Slot}: unexpected failure; claiming again later", slot);
            }

            try
            {
                await Task.Delay(agent.Value.RetryInterval, time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
