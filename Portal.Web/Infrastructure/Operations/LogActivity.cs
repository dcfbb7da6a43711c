namespace Portal.Web.Infrastructure.Operations;

/// <summary>
/// A logger provider that records only when the last line was written (never its content), so the first-start banner
/// can wait for start-up logging to settle instead of landing in the middle of it.
/// </summary>
public sealed class LogActivity : ILoggerProvider
{
    private long _lastWrittenAt = Environment.TickCount64;

    public TimeSpan SinceLastLine => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastWrittenAt));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogActivity owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Interlocked.Exchange(ref owner._lastWrittenAt, Environment.TickCount64);
    }
}
