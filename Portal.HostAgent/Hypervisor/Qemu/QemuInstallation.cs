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
}
