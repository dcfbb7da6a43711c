namespace Portal.Web.Infrastructure.ChangeFeed;

/// <summary>
/// Keeps an open view current: on each relevant change it reloads on the circuit's dispatcher, coalescing a burst of
/// changes into one reload, and hands a failed reload to the circuit (nobody awaits it). Dispose on leave.
/// </summary>
public sealed class LiveRefresh : IDisposable
{
    private readonly Func<Func<Task>, Task> _invokeAsync;
    private readonly Func<Task> _reloadAsync;
    private readonly Func<Exception, Task> _dispatchExceptionAsync;
    private readonly Func<PortalChange, bool> _relevant;
    private readonly IDisposable _subscription;
    private int _pending;

    private LiveRefresh(
        IChangeFeed feed, ChangeAudience audience, Func<PortalChange, bool> relevant, Func<Func<Task>, Task> invokeAsync,
        Func<Task> reloadAsync, Func<Exception, Task> dispatchExceptionAsync)
    {
        _relevant = relevant;
        _invokeAsync = invokeAsync;
        _reloadAsync = reloadAsync;
        _dispatchExceptionAsync = dispatchExceptionAsync;
        _subscription = feed.Subscribe(audience, OnChange);
    }

    /// <param name="feed">The change feed.</param>
    /// <param name="audience">The tenant or the provider.</param>
    /// <param name="relevant">Which changes touch what the view shows (a resync always does).</param>
    /// <param name="invokeAsync">The component's <c>InvokeAsync</c>.</param>
    /// <param name="reloadAsync">Reloads the data and calls <c>StateHasChanged</c>; runs on the circuit.</param>
    /// <param name="dispatchExceptionAsync">The component's <c>DispatchExceptionAsync</c>.</param>
    public static LiveRefresh Start(
        IChangeFeed feed, ChangeAudience audience, Func<PortalChange, bool> relevant, Func<Func<Task>, Task> invokeAsync,
        Func<Task> reloadAsync, Func<Exception, Task> dispatchExceptionAsync)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(audience);
        return new LiveRefresh(feed, audience, relevant, invokeAsync, reloadAsync, dispatchExceptionAsync);
    }

    public void Dispose() => _subscription.Dispose();

    // Runs on the publisher's thread: hand the work to the circuit and return at once.
    private Task OnChange(PortalChange change)
    {
        if ((change.Kind == ChangeKind.Resync || _relevant(change)) && Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _ = _invokeAsync(ReloadAsync);
        }

        return Task.CompletedTask;
    }

    private async Task ReloadAsync()
    {
        try
        {
            // Changes arriving during this reload are picked up by it or by the next one.
            Interlocked.Exchange(ref _pending, 0);
            await _reloadAsync();
        }
        catch (Exception e)
        {
            await _dispatchExceptionAsync(e);
        }
    }
}
