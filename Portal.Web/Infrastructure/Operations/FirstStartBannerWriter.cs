using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Portal.Web.Infrastructure.Operations;

/// <summary>
/// Writes the <see cref="FirstStartBanner"/>, when there is one, in a single console write once the portal listens, the
/// start-up work it was told of finished and no log line came for <see cref="Quiet"/> (each wait bounded by
/// <see cref="MaxWait"/>), so it stands apart from the logs.
/// </summary>
internal sealed class FirstStartBannerWriter(
    FirstStartBanner banner, LogActivity logs, IServer server, IHostApplicationLifetime lifetime) : BackgroundService
{
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(750);
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (banner.IsEmpty)
        {
            return;
        }

        var deadline = DateTimeOffset.UtcNow + MaxWait;
        try
        {
            await banner.StartUps().WaitAsync(MaxWait, stoppingToken);
        }
        catch (TimeoutException)
        {
            // Write it anyway: the password must not get lost behind a start-up that hangs.
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (logs.SinceLastLine < Quiet && DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Console.Out.Write(banner.Render(addresses.Count > 0 ? addresses : ["(no address)"]));
        Console.Out.Flush();
    }
}
