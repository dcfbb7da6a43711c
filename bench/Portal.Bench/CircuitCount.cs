using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Bench;

/// <summary>How many Blazor circuits one app has open, counted by a circuit handler the bench adds to the app.</summary>
public sealed class CircuitCount
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    /// <summary>
    /// Adds the counting handler to an app, serves its browser assets from the build output (run as Production, the
    /// build output answers 500 for <c>_framework/blazor.web.js</c> otherwise), and frees a closed page's circuit at once
    /// instead of keeping it for a reconnect, so one phase's circuits are gone before the next phase is measured.
    /// </summary>
    public void AddTo(IWebHostBuilder builder)
    {
        builder.UseStaticWebAssets();
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(this);
            services.AddScoped<CircuitHandler, CountingHandler>();
            services.Configure<CircuitOptions>(o => o.DisconnectedCircuitMaxRetained = 0);
        });
    }

    /// <summary>Waits until exactly <paramref name="count"/> circuits are open; false when that did not happen in time.</summary>
    public async Task<bool> WaitForAsync(int count, TimeSpan timeout, CancellationToken ct)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var deadline = DateTime.UtcNow + timeout;
        while (Open != count)
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await tick.WaitForNextTickAsync(ct);
        }

        return true;
    }

    private sealed class CountingHandler(CircuitCount count) : CircuitHandler
    {
        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref count._open);
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Decrement(ref count._open);
            return Task.CompletedTask;
        }
    }
}
