using Portal.Data;

namespace Portal.Web.Infrastructure.ChangeFeed;

/// <summary>
/// Keeps an open view current: on each relevant change it reloads on the circuit's dispatcher, coalescing a burst of
/// changes into one reload. A reload the database could not answer leaves the view as it was and is tried again a
/// little later (2 s, doubling up to 30 s) unless a change asks sooner: a busy or restarting database must not close
/// the user's page. Any other failure goes to the circuit (nobody awaits the reload). Dispose on leave.
/// </summary>
public sealed class LiveRefresh : IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    private readonly Func<Func<Task>, Task> _invokeAsync;
    private readonly Func<Task> _reloadAsync;
    private readonly Func<Exception, Task> _dispatchExceptionAsync;
    private readonly Func<PortalChange, bool> _relevant;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopped = new();
    private readonly IDisposable _subscription;
    private int _pending;
    private TimeSpan _nextRetry = FirstRetry;

    private LiveRefresh(
        IChangeFeed feed, ChangeAudience audience, Func<PortalChange, bool> relevant, Func<Func<Task>, Task> invokeAsync,
        Func<Task> reloadAsync, Func<Exception, Task> dispatchExceptionAsync, TimeProvider time)
    {
        _relevant = relevant;
        _invokeAsync = invokeAsync;
        _reloadAsync = reloadAsync;
        _dispatchExceptionAsync = dispatchExceptionAsync;
        _time = time;
        _subscription = feed.Subscribe(audience, OnChange);
    }

    /// <param name="feed">The change feed.</param>
    /// <param name="audience">The tenant or the provider.</param>
    /// <param name="relevant">Which changes touch what the view shows (a resync always does).</param>
    /// <param name="invokeAsync">The component's <c>InvokeAsync</c>.</param>
    /// <param name="reloadAsync">Reloads the data and calls <c>StateHasChanged</c>; runs on the circuit.</param>
    /// <param name="dispatchExceptionAsync">The component's <c>DispatchExceptionAsync</c>.</param>
    /// <param name="time">The clock the retries wait on (the system's when not given).</param>
    public static LiveRefresh Start(
        IChangeFeed feed, ChangeAudience audience, Func<PortalChange, bool> relevant, Func<Func<Task>, Task> invokeAsync,
        Func<Task> reloadAsync, Func<Exception, Task> dispatchExceptionAsync, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(audience);
        return new LiveRefresh(feed, audience, relevant, invokeAsync, reloadAsync, dispatchExceptionAsync, time ?? TimeProvider.System);
    }

    public void Dispose()
    {
        _subscription.Dispose();
        // Cancelled, not disposed: a reload under way when the page left may still ask for its token.
        _stopped.Cancel();
    }

    // Runs on the publisher's thread: hand the work to the circuit and return at once.
    private Task OnChange(PortalChange change)
    {
        if (change.Kind == ChangeKind.Resync || _relevant(change))
        {
            Request();
        }

        return Task.CompletedTask;
    }

    private void Request()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _ = _invokeAsync(ReloadAsync);
        }
    }

    private async Task ReloadAsync()
    {
        try
        {
            // Changes arriving during this reload are picked up by it or by the next one.
            Interlocked.Exchange(ref _pending, 0);
            await _reloadAsync();
            _nextRetry = FirstRetry;
        }
        catch (Exception e) when (e.IsUnavailable())
        {
            var wait = _nextRetry;
            _nextRetry = wait * 2 < LongestRetry ? wait * 2 : LongestRetry;
            _ = RetryAfterAsync(wait, _stopped.Token);
        }
        catch (Exception e)
        {
            await _dispatchExceptionAsync(e);
        }
    }

    private async Task RetryAfterAsync(TimeSpan wait, CancellationToken stopped)
    {
        try
        {
            await Task.Delay(wait, _time, stopped);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Request();
    }
}
