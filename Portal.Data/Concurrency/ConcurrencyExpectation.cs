namespace Portal.Data.Concurrency;

/// <summary>
/// The version a client said it last read (its If-Match), for the resource it is changing. While one is set, the next
/// save of that entity updates the row only if it still has that version, so the check and the write are one statement.
/// </summary>
public static class ConcurrencyExpectation
{
    private static readonly AsyncLocal<Expected?> Current = new();

    /// <summary>Sets the expectation for the rest of this asynchronous flow (the request); dispose to clear it.</summary>
    public static IDisposable Expect(Guid id, long version)
    {
        var previous = Current.Value;
        Current.Value = new Expected(id, version);
        return new Scope(previous);
    }

    /// <summary>The expected version of this entity, once: a second save in the same request compares as usual.</summary>
    internal static long? Take(Guid id)
    {
        if (Current.Value is { Used: false } expected && expected.Id == id)
        {
            expected.Used = true;
            return expected.Version;
        }

        return null;
    }

    private sealed class Expected(Guid id, long version)
    {
        public Guid Id { get; } = id;

        public long Version { get; } = version;

        public bool Used { get; set; }
    }

    private sealed class Scope(Expected? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
