using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Portal.Web.Infrastructure.Operations;

/// <summary>
/// Writes the <see cref="FirstStartBanner"/>, when there is one, in a single console write once the portal listens and no
/// log line came for <see cref="Quiet"/> (at most <see cref="MaxWait"/> after start), so it stands apart from the logs.
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
