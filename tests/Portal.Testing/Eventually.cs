using System.Text.Json;

namespace Portal.Testing;

/// <summary>Polls a condition until it holds or a deadline passes (never a fixed sleep).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task Async(Func<Task<bool>> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout ?? DefaultTimeout} waiting for {what ?? "a condition"}.");
            }

            await Task.Delay(Interval);
        }
    }

    /// <summary>
    /// Reads a value until it satisfies <paramref name="condition"/> and returns it. On timeout the message shows the last
    /// value read, through <paramref name="describe"/> (JSON by default).
    /// </summary>
    public static async Task<T> ValueAsync<T>(
        Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null, Func<T, string>? describe = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Timed out after {timeout ?? DefaultTimeout} waiting for {what}; last seen: {(describe ?? (v => JsonSerializer.Serialize(v)))(value)}");
            }

            await Task.Delay(Interval);
        }
    }
}
