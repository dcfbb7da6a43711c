using Portal.Core.Fabric.Protocol;
using Portal.Core.Jobs;

namespace Portal.HostAgent.Jobs;

/// <summary>
/// A running step's progress in words, sent to the portal in order as the step's Running message. A report that does
/// not arrive is only logged: the step's own outcome is what counts, and a lost lease is noticed by the lease keeper.
/// </summary>
internal sealed class StepProgress(IJobChannel portal, JobAssignment job, JobStepKind step, ILogger logger) : IProgress<string>, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private Task _sending = Task.CompletedTask;

    public void Report(string value)
    {
        lock (_lock)
        {
            _sending = _sending.ContinueWith(_ => SendAsync(value), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task last;
        lock (_lock)
        {
            last = _sending;
        }

        await last;
    }

    private async Task SendAsync(string message)
    {
        try
        {
            await portal.ReportStepAsync(job.JobId, new StepReport(job.FencingToken, step, JobStepState.Running, message), CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or Fabric.FabricRefusedException or LeaseLostException or TaskCanceledException)
        {
            logger.LogWarning("Job {JobId}: progress of step {Step} did not reach the portal ({Error})", job.JobId, step, e.GetType().Name);
        }
    }
}
