using Microsoft.Extensions.Time.Testing;

namespace Portal.HostAgent.Tests.Hypervisor;

/// <summary>
/// Fake time that says when a step has set its timer and when that timer has fired, so a test can move time exactly
/// as far as a step needs instead of polling. (The driver saves state with real file I/O before it sets the timer.)
/// </summary>
internal sealed class StepClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    private TaskCompletionSource _timerSet = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _fired;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(s =>
        {
            _fired = true;
            callback(s);
        }, state, dueTime, period);
        _timerSet.TrySetResult();
        return timer;
    }

    /// <summary>
    /// Waits until <paramref name="step"/> sets its timer (or ends without one), then moves time a second at a time
    /// until the timer fires; returns how far time moved. Fake timers fire inside <see cref="FakeTimeProvider.Advance"/>.
    /// </summary>
    public async Task<TimeSpan> RunAsync(Task step)
    {
        await Task.WhenAny(step, _timerSet.Task).WaitAsync(TimeSpan.FromSeconds(20));
        var advanced = TimeSpan.Zero;
        while (_timerSet.Task.IsCompleted && !_fired && advanced < TimeSpan.FromHours(1))
        {
            Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
        }

        // The step may end in a refusal; the test observes that itself.
        await Task.WhenAny(step).WaitAsync(TimeSpan.FromSeconds(20));
        _timerSet = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _fired = false;
        return advanced;
    }
}
