using System.Diagnostics;
using System.Text;

namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>
/// One helper process the driver started (QEMU, swtpm, qemu-img): arguments as a list (never a shell), standard input a
/// pipe the driver may write a secret to and close, the tail of its output kept in memory for error messages, and its
/// exit as a task. Stopped only by its own pid.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int TailLength = 4096;

    private readonly Process _process;
    private readonly StringBuilder _tail = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid { get; private set; }

    public Task Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>The exit code; on Unix a process killed by signal N reports 128 + N.</summary>
    public int ExitCode => _process.ExitCode;

    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The last lines the process wrote to stdout and stderr.</summary>
    public string OutputTail
    {
        get
        {
            lock (_tail)
            {
                return _tail.ToString().Trim();
            }
        }
    }

    /// <summary>Raised once per process started, with its name and pid, before anything is written to its input.</summary>
    public static event Action<string, int>? Started;

    // announce: false for processes that are not a QEMU driver's (the host's own swtpm); Started reports only the driver's.
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string? workingDirectory = null, bool announce = true)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Exited += (_, _) => child.OnExited();
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new HypervisorException(HypervisorError.HypervisorFailed, $"Could not run {fileName}: {e.Message}", e);
        }

        child.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (announce)
        {
            Started?.Invoke(name, child.Pid);
        }
        return child;
    }

    /// <summary>Writes <paramref name="secret"/> to the process's standard input and closes it.</summary>
    public async Task WriteInputAndCloseAsync(ReadOnlyMemory<byte> secret, CancellationToken ct)
    {
        try
        {
            await Input.WriteAsync(secret, ct);
            await Input.FlushAsync(ct);
        }
        catch (IOException)
        {
            // The process exited before reading; its exit code and output say why.
        }
        finally
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }
        }
    }

    public void CloseInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }
    }

    /// <summary>Waits for the exit, up to <paramref name="timeout"/>; true if it exited.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        try
        {
            await Exited.WaitAsync(timeout, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL to this process's own pid (never a process group or a name).</summary>
    public void Kill()
    {
        if (HasExited)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    /// <summary>Kills the process if still running and waits for its exit.</summary>
    public async Task StopAsync()
    {
        Kill();
        await WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>In words, e.g. "exited with code 1" or "was killed by signal 9".</summary>
    public string DescribeExit()
    {
        if (!HasExited)
        {
            return "is running";
        }

        var code = ExitCode;
        return code > 128 && code < 128 + 65 ? $"was killed by signal {code - 128}" : $"exited with code {code}";
    }

    public void Dispose() => _process.Dispose();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.AppendLine(line);
            if (_tail.Length > TailLength)
            {
                _tail.Remove(0, _tail.Length - TailLength);
            }
        }
    }

    private void OnExited()
    {
        // Exited fires before the redirected output is drained; WaitForExit() (no timeout) waits for both.
        _ = Task.Run(() =>
        {
            try
            {
                _process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
            }

            _exited.TrySetResult();
        });
    }
}
