using System.Collections.Concurrent;
using Portal.Data.Cluster;

namespace Portal.Web.Infrastructure.Credentials;

/// <summary>
/// Remembers authenticated credentials — API tokens and host credentials — by their secret's hash, so a request needs
/// no database read to know its caller. Revocation stays immediate across portal processes: a change to a token, its
/// user or the user's roles, or to a host's state or credential, is broadcast on the cluster bus
/// (<see cref="CredentialChanges"/>), every process forgets that owner's credentials and confirms, and the change's
/// request answers after that. While this process is not sure it hears the bus
/// (<see cref="IClusterBus.IsListening"/>), it neither answers from nor fills the cache; after a lost connection it
/// starts empty.
/// An entry is also kept no longer than <see cref="MaxAge"/>, so a lost message cannot keep a token alive for long.
/// </summary>
public sealed class KnownCredentials : IDisposable
{
    public const string Topic = "credentials";
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);
    public const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly IClusterBus _bus;
    private readonly TimeProvider _time;
    private readonly IDisposable _subscription;
    private long _generation;

    public KnownCredentials(IClusterBus bus, TimeProvider time)
    {
        _bus = bus;
        _time = time;
        _subscription = bus.Subscribe(Topic, OnMessage);
        bus.Disconnected += ForgetAll;
        bus.Reconnected += ForgetAll;
    }

    public int Count => _entries.Count;

    /// <summary>Take before reading the database; <see cref="Store"/> keeps what was read only if nothing was forgotten since.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public THolder? Find<THolder>(byte[] secretHash) where THolder : class, ICredentialHolder
    {
        if (!_bus.IsListening || !_entries.TryGetValue(Convert.ToHexString(secretHash), out var entry))
        {
            return null;
        }

        return _time.GetUtcNow() - entry.StoredAt < MaxAge ? entry.Holder as THolder : null;
    }

    public void Store(byte[] secretHash, ICredentialHolder holder, long generation)
    {
        if (!_bus.IsListening || Generation != generation || _entries.Count >= MaxEntries)
        {
            return;
        }

        var key = Convert.ToHexString(secretHash);
        _entries[key] = new Entry(holder, _time.GetUtcNow());

        // A forget may have run between the check above and this entry going in: then take it out again.
        if (Generation != generation)
        {
            _entries.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets every credential of <paramref name="ownerId"/> in this process (the bus tells the others).</summary>
    public void Forget(Guid ownerId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (key, entry) in _entries)
        {
            if (entry.Holder.OwnerId == ownerId)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    public void Dispose()
    {
        _bus.Disconnected -= ForgetAll;
        _bus.Reconnected -= ForgetAll;
        _subscription.Dispose();
    }

    // This process's own messages come back through the database too: forgetting twice is harmless, and the second
    // time catches a read that raced with the change's commit.
    private void OnMessage(ClusterMessage message)
    {
        if (Guid.TryParseExact(message.Body, "N", out var ownerId))
        {
            Forget(ownerId);
        }
        else
        {
            ForgetAll();
        }
    }

    private sealed record Entry(ICredentialHolder Holder, DateTimeOffset StoredAt);
}
