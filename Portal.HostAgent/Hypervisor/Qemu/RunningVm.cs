namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>A VM whose QEMU this agent process started: its processes, its monitor, its console, and what its guest reported.</summary>
internal sealed class RunningVm(VmFolder folder, ChildProcess swtpm)
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _released;

    public VmFolder Folder { get; } = folder;

    public ChildProcess Swtpm { get; } = swtpm;

    public ChildProcess? Qemu { get; set; }

    public QmpClient? Qmp { get; set; }

    public SerialConsole? Console { get; set; }

    public GuestMarkers Markers { get; } = new();

    /// <summary>The agent asked QEMU to quit (turn off, or a start that failed): its exit is not a crash.</summary>
    public volatile bool QuitRequested;

    /// <summary>The reason of QEMU's SHUTDOWN event, e.g. "guest-shutdown", "host-qmp-quit", "guest-panic".</summary>
    public volatile string? ShutdownReason;

    /// <summary>Completes once QEMU exited and the VM's final state was recorded.</summary>
    public Task Stopped => _stopped.Task;

    public void MarkStopped() => _stopped.TrySetResult();

    /// <summary>Closes the monitor and the console and stops swtpm; once only.</summary>
    public async Task ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }

        if (Console is { } console)
        {
            await console.DisposeAsync();
        }

        if (Qmp is { } qmp)
        {
            await qmp.DisposeAsync();
        }

        // swtpm ends on its own when QEMU closes its control channel (--terminate); otherwise it is stopped by its pid.
        if (!await Swtpm.WaitAsync(TimeSpan.FromSeconds(3)))
        {
            await Swtpm.StopAsync();
        }

        Swtpm.Dispose();
        Qemu?.Dispose();
    }
}
