using Microsoft.Extensions.Options;
using Portal.HostGuardian.Options;

namespace Portal.HostGuardian.Attestation;

/// <summary>
/// Deletes expired nonces every <see cref="HgsOptions.NonceSweepInterval"/>, so challenges nobody answered do not pile up
/// between challenges either. Driven by the injected clock.
/// </summary>
internal sealed class NonceSweeper(IServiceScopeFactory scopes, IOptions<HgsOptions> options, TimeProvider time, ILogger<NonceSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.NonceSweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<NonceStore>().DeleteExpiredAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next tick tries again; a nonce past its expiry is refused whether or not its row is gone.
            logger.LogWarning(e, "HGS could not delete expired nonces");
        }
    }
}
