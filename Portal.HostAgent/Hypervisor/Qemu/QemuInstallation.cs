namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>Finds the programs the QEMU driver runs.</summary>
public static class QemuInstallation
{
    /// <summary>The full path of <paramref name="binary"/> (a path, or a name looked up on PATH) if it is an executable file.</summary>
    public static string? Find(string binary)
    {
        ArgumentException.ThrowIfNullOrEmpty(binary);
        if (binary.Contains('/'))
        {
            return IsExecutable(binary) ? Path.GetFullPath(binary) : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, binary))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && !OperatingSystem.IsWindows()
        && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>Why a data folder cannot hold QEMU VMs: <c>{DataFolder}/vms/{id:N}/console.sock</c> must fit a unix socket address.</summary>
    public static string? DataFolderTooLong(string dataFolder)
    {
        var longest = Path.Combine(Path.GetFullPath(dataFolder), "vms", new string('0', 32), "console.sock");
        return longest.Length > UnixSockets.MaxPathLength
            ? $"is too long for the VMs' unix sockets ({longest.Length} > {UnixSockets.MaxPathLength} characters); choose a shorter path."
            : null;
    }
}
