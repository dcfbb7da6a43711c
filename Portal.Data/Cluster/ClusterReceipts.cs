using System.Collections.Concurrent;

namespace Portal.Data.Cluster;

/// <summary>The confirmed messages this process waits on: which processes have confirmed each, and which must.</summary>
internal sealed class ClusterReceipts
{
    private readonly ConcurrentDictionary<Guid, Pending> _pending = new();

    /// <summary>Starts collecting confirmations of <paramref name="receipt"/>, before the message is sent.</summary>
    public Pending Expect(Guid receipt)
    {
        var pending = new Pending(this, receipt);
        _pending[receipt] = pending;
        return pending;
    }

    public void Confirm(Guid receipt, Guid processId)
    {
        if (_pending.TryGetValue(receipt, out var pending))
        {
            pending.Confirm(processId);
        }
    }

    internal sealed class Pending(ClusterReceipts owner, Guid receipt) : IDisposable
    {
        private readonly Lock _lock = new();
        private readonly HashSet<Guid> _confirmed = [];
        private HashSet<Guid>? _expected;

        /// <summary>Completes once every expected process has confirmed (confirmations may come before the list).</summary>
        public TaskCompletionSource AllConfirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<Guid> Missing
        {
            get
            {
                lock (_lock)
                {
                    return _expected is null ? [] : [.. _expected.Except(_confirmed)];
                }
            }
        }

        public void ExpectFrom(IEnumerable<Guid> processes)
        {
            lock (_lock)
            {
                _expected = [.. processes];
                CompleteIfAll();
            }
        }

        public void Confirm(Guid processId)
        {
            lock (_lock)
            {
                _confirmed.Add(processId);
                CompleteIfAll();
            }
        }

        public void Dispose() => owner._pending.TryRemove(receipt, out _);

        private void CompleteIfAll()
        {
            if (_expected is not null && _expected.IsSubsetOf(_confirmed))
            {
                AllConfirmed.TrySetResult();
            }
        }
    }
}
