using System.Text;

namespace Portal.HostAgent.Tests.Qemu;

/// <summary>A console viewer as a test reads it: everything the guest printed so far, and keystrokes typed to the guest.</summary>
public sealed class ConsoleScreen
{
    private readonly Stream _console;
    private readonly StringBuilder _text = new();
    private readonly List<(string Expected, TaskCompletionSource Shown)> _waiters = [];
    private readonly Task _reading;

    public ConsoleScreen(Stream console)
    {
        _console = console;
        _reading = Task.Run(ReadAsync);
    }

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Completes as soon as the guest has printed <paramref name="expected"/>: woken by the reader, never by polling.</summary>
    public async Task WaitForAsync(string expected, TimeSpan? timeout = null)
    {
        var shown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_text)
        {
            if (_text.ToString().Contains(expected, StringComparison.Ordinal))
            {
                return;
            }

            _waiters.Add((expected, shown));
        }

        var first = await Task.WhenAny(shown.Task, _reading, Task.Delay(timeout ?? TimeSpan.FromSeconds(60)));
        if (first != shown.Task)
        {
            throw new TimeoutException($"The console did not show '{expected}'; it shows:\n{Text[Math.Max(0, Text.Length - 2000)..]}");
        }
    }

    public Task TypeAsync(string keys) => _console.WriteAsync(Encoding.UTF8.GetBytes(keys)).AsTask();

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await _console.ReadAsync(buffer)) > 0)
            {
                lock (_text)
                {
                    _text.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    var text = _text.ToString();
                    foreach (var waiter in _waiters.Where(w => text.Contains(w.Expected, StringComparison.Ordinal)).ToList())
                    {
                        _waiters.Remove(waiter);
                        waiter.Shown.TrySetResult();
                    }
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }
}

/// <summary>An <see cref="IProgress{T}"/> that records at once, on the reporting thread.</summary>
public sealed class SyncProgress(List<string> lines) : IProgress<string>
{
    public void Report(string value)
    {
        lock (lines)
        {
            lines.Add(value);
        }
    }
}
