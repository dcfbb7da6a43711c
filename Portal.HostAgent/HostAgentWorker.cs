using Microsoft.Extensions.Options;

namespace Portal.HostAgent;

/// <summary>
/// The guarded host's main loop. For now it announces itself and waits; joining the fabric, attestation and
/// running jobs arrive with the fabric capability.
/// </summary>
internal sealed class HostAgentWorker(IOptions<HostAgentOptions> options, ILogger<HostAgentWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        Directory.CreateDirectory(settings.DataFolder);
        logger.LogInformation(
            "Host agent {HostName} started; portal at {PortalUrl}, data in {DataFolder}",
            settings.HostName, settings.PortalUrl, Path.GetFullPath(settings.DataFolder));

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogInformation("Host agent {HostName} stopping", settings.HostName);
        }
    }
}
