namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>The driver's log messages.</summary>
public sealed partial class QemuHypervisorDriver
{
    [LoggerMessage(LogLevel.Information, "Created VM {VmName} ({VmId}) with an encrypted qcow2 disk in {ElapsedMs} ms")]
    private partial void LogCreated(string vmName, Guid vmId, long elapsedMs);

    [LoggerMessage(LogLevel.Information, "VM {VmName} ({VmId}) booted in {ElapsedMs} ms ({Acceleration}): {GuestReport}")]
    private partial void LogBooted(string vmName, Guid vmId, long elapsedMs, string acceleration, string guestReport);

    [LoggerMessage(LogLevel.Information, "VM {VmName} ({VmId}) specialised itself as {ComputerName}")]
    private partial void LogSpecialized(string vmName, Guid vmId, string computerName);

    [LoggerMessage(LogLevel.Warning, "VM {VmId} crashed: {Fault}")]
    private partial void LogCrashed(Guid vmId, string fault);

    [LoggerMessage(LogLevel.Error, "Could not record how VM {VmId} stopped")]
    private partial void LogMonitorFailed(Exception exception, Guid vmId);

    [LoggerMessage(LogLevel.Information, "Deleted VM {VmId}")]
    private partial void LogDeleted(Guid vmId);

    [LoggerMessage(LogLevel.Warning, "Stopped process {Pid} left running for {VmFolder} by an earlier agent process")]
    private partial void LogStoppedLeftover(int pid, string vmFolder);

    [LoggerMessage(LogLevel.Warning, "Skipping unreadable VM file {File}")]
    private partial void LogUnreadable(Exception exception, string file);
}
