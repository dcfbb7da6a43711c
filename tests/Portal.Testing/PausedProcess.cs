using System.Diagnostics;

namespace Portal.Testing;

/// <summary>
/// A process held still with SIGSTOP until disposed (SIGCONT): alive, its sockets open, answering nothing, as a
/// stalled or partitioned peer looks from outside.
/// </summary>
public sealed class PausedProcess : IDisposable
{
    private readonly int _pid;

    private PausedProcess(int pid) => _pid = pid;

    public static PausedProcess Pause(int pid)
    {
        Signal("-STOP", pid);
        return new PausedProcess(pid);
    }

    public void Dispose() => Signal("-CONT", _pid);

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
        })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} failed: {kill.StandardError.ReadToEnd()}");
        }
    }
}
