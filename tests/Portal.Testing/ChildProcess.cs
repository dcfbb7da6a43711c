using System.Diagnostics;
using System.Text;

namespace Portal.Testing;

/// <summary>
/// A process a test started (a portal, an agent, HGS, a proxy), its output kept for failure messages. Stopped by its own
/// pid, with anything it started: SIGKILL on <see cref="KillAsync"/> and on dispose, SIGSTOP/SIGCONT through
/// <see cref="Pause"/>.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const string ListeningMarker = "Now listening on: ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, ProcessStartInfo start)
    {
        Name = name;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary><c>dotnet X.dll</c> of a project built beside the tests.</summary>
    public static ChildProcess StartBuilt(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        new(name, BuiltProgram.StartInfo(dll, arguments,
            (environment ?? new Dictionary<string, string>()).Prepend(KeyValuePair.Create("Logging__Console__FormatterName", "simple"))));

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments) =>
        new(name, new ProcessStartInfo(fileName, arguments));

    /// <summary>The address Kestrel reports in "Now listening on: …".</summary>
    public async Task<Uri> ListeningAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_listening.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        return done == _listening.Task
            ? await _listening.Task
            : throw new TimeoutException($"{Name} did not start listening.\n{Output}");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Held still (SIGSTOP) until the result is disposed (SIGCONT).</summary>
    public PausedProcess Pause() => PausedProcess.Pause(_process.Id);

    /// <summary>SIGKILL now, as a crashed machine stops: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.AppendLine(line);
        }

        var at = line.IndexOf(ListeningMarker, StringComparison.Ordinal);
        if (at >= 0 && Uri.TryCreate(line[(at + ListeningMarker.Length)..].Trim(), UriKind.Absolute, out var uri))
        {
            _listening.TrySetResult(uri);
        }
    }
}
