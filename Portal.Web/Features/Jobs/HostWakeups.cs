namespace Portal.Web.Features.Jobs;

/// <summary>
/// Wakes an agent's long-polling claim as soon as a job is placed on its host, instead of at the end of its wait.
/// In-process: a portal sharing its database with others relies on the claim's bounded wait as well.
/// </summary>
public sealed class HostWakeups
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, TaskCompletionSource> _waiting = [];

    /// <summary>
    /// A task that completes at the next <see cref="Wake"/> for the host. Take it before looking for work, then wait on
    /// it: a job placed in between is not missed.
    /// </summary>
    public Task Next(Guid hostId)
    {
        lock (_lock)
        {
            if (!_waiting.TryGetValue(hostId, out var source))
            {
                source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting[hostId] = source;
            }

            return source.Task;
        }
    }

    public void Wake(Guid hostId)
    {
        TaskCompletionSource? source;
        lock (_lock)
        {
            if (_waiting.Remove(hostId, out source))
            {
                source.TrySetResult();
            }
        }
    }
}
