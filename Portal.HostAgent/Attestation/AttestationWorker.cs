using Microsoft.Extensions.Options;

namespace Portal.HostAgent.Attestation;

/// <summary>
/// Attests at start, then again every <see cref="HostAttestationOptions.AttestationInterval"/> — sooner when the
/// certificate would expire first (at 80% of its remaining life) or after a failure (the retry interval).
/// </summary>
internal sealed class AttestationWorker(IHostHealth health, IOptions<HostAttestationOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var outcome = await health.AttestNowAsync(stoppingToken);
            var delay = settings.AttestationInterval;
            if (outcome.ValidUntil is { } until)
            {
                var beforeExpiry = (until - time.GetUtcNow()) * 0.8;
                delay = beforeExpiry < delay ? beforeExpiry : delay;
            }
            else if (settings.AttestationRetryInterval < delay)
            {
                delay = settings.AttestationRetryInterval;
            }

            try
            {
                await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.FromSeconds(1), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
