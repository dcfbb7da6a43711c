using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>
/// Runs tpm2-tools against one TPM: <c>TPM2TOOLS_TCTI</c> names it, arguments go as a list (never through a shell),
/// each command has a deadline, and a failure becomes a <see cref="TpmException"/> saying which command failed and what
/// the TPM answered. One command sequence at a time per TPM, across every instance in the process.
/// </summary>
internal sealed class Tpm2Tool
{
    private const int StderrLinesInMessage = 3;

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    private readonly TimeSpan _timeout;
    private readonly string _workFolder;
    private readonly SemaphoreSlim _lock;

    /// <param name="tcti">e.g. <c>device:/dev/tpmrm0</c> or <c>swtpm:host=127.0.0.1,port=2321</c>.</param>
    /// <param name="hasResourceManager">False for swtpm: transient objects and sessions stay until flushed.</param>
    /// <param name="timeout">Longest one command may take; it is killed (by its own pid) after that.</param>
    /// <param name="workFolder">Private folder (created 0700) for the files the tools read and write.</param>
    public Tpm2Tool(string tcti, bool hasResourceManager, TimeSpan timeout, string workFolder)
    {
        Tcti = tcti;
        HasResourceManager = hasResourceManager;
        _timeout = timeout;
        _workFolder = workFolder;
        _lock = Locks.GetOrAdd(tcti, _ => new SemaphoreSlim(1, 1));
    }

    public string Tcti { get; }

    public bool HasResourceManager { get; }

    /// <summary>Runs <paramref name="action"/> while no other command sequence uses this TPM.</summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> action, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            return await action();
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>A fresh private folder for one command sequence's files, deleted with everything in it on dispose.</summary>
    public WorkFolder NewWorkFolder() => WorkFolder.Create(_workFolder);

    /// <summary>Runs one tool; returns its standard output. Throws <see cref="TpmException"/> when it fails or hangs.</summary>
    public async Task<string> RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct, string? workingDirectory = null, ReadOnlyMemory<byte>? input = null)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["TPM2TOOLS_TCTI"] = Tcti;

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new TpmException($"Could not run {tool}: {e.Message} (install the Debian package tpm2-tools).", e);
        }

        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (input is { } bytes)
        {
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(bytes, ct);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It exited without reading; its exit code and error output say why.
            }
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            KillOwn(process);
            ct.ThrowIfCancellationRequested();
            throw new TpmException($"{tool} did not finish within {_timeout.TotalSeconds:0.#} s (TPM {Tcti}).");
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new TpmException($"{tool} failed (exit code {process.ExitCode}): {Explain(errors)}");
        }

        return output;
    }

    /// <summary>
    /// Without a resource manager every transient object and session a command left behind stays loaded until the TPM
    /// runs out of slots ("out of memory for object contexts"); flush them all. A no-op behind a resource manager.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (HasResourceManager)
        {
            return;
        }

        foreach (var what in new[] { "-t", "-l", "-s" })
        {
            await RunAsync("tpm2_flushcontext", [what], ct);
        }
    }

    /// <summary>
    /// <see cref="FlushAsync"/> after a command that may have failed: a flush that fails too must not hide the first
    /// failure; the next command sequence flushes again.
    /// </summary>
    public async Task FlushAfterAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (TpmException)
        {
            // The command's own outcome is what the caller reports.
        }
    }

    /// <summary>The lines of the tool's error output that say what went wrong, in words.</summary>
    internal string Explain(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Any(l => l.Contains("Could not load tcti", StringComparison.Ordinal) || l.Contains("Failed to connect", StringComparison.Ordinal)))
        {
            return $"could not reach the TPM at {Tcti} ({lines.FirstOrDefault(l => l.Contains("Failed to connect", StringComparison.Ordinal)) ?? lines[0]}).";
        }

        // The tool's own "ERROR: …" lines are the readable ones; the library's "ERROR:esys:src/…" lines are context.
        var own = lines.Where(l => l.StartsWith("ERROR: ", StringComparison.Ordinal)).ToList();
        var chosen = (own.Count > 0 ? own : lines.ToList()).Take(StderrLinesInMessage).ToList();
        return chosen.Count == 0 ? "no error output." : string.Join(" | ", chosen);
    }

    private static void KillOwn(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }
}
