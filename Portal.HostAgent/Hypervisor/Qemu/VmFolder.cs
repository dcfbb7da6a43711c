namespace Portal.HostAgent.Hypervisor.Qemu;

/// <summary>
/// A QEMU VM's folder, <c>{DataFolder}/vms/{id:N}/</c>, private to the agent's user (0700): its configuration, its
/// encrypted disk, its encrypted vTPM state, and while it runs the pids of its processes and their unix sockets.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed record VmFolder(string Path)
{
    public const string ConfigurationFile = "vm.json";
    public const string DiskFile = "disk.qcow2";
    public const string RuntimeFile = "runtime.json";

    public string Configuration => Combine(ConfigurationFile);

    public string Disk => Combine(DiskFile);

    public string Tpm => Combine("tpm");

    public string Runtime => Combine(RuntimeFile);

    public string QmpSocket => Combine("qmp.sock");

    public string ConsoleSocket => Combine("console.sock");

    public string AnswerSocket => Combine("answer.sock");

    public string TpmSocket => Combine("tpm.sock");

    public IEnumerable<string> Sockets => [QmpSocket, ConsoleSocket, AnswerSocket, TpmSocket];

    public static UnixFileMode PrivateFolder => UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public void CreatePrivate()
    {
        Directory.CreateDirectory(Path, PrivateFolder);
        Directory.CreateDirectory(Tpm, PrivateFolder);
    }

    public void RemoveRuntime()
    {
        foreach (var file in Sockets.Append(Runtime))
        {
            File.Delete(file);
        }
    }

    private string Combine(string name) => System.IO.Path.Combine(Path, name);
}

/// <summary>What <c>runtime.json</c> records of a running VM, so a later agent process can stop what this one started.</summary>
internal sealed record VmRuntimeRecord(int QemuPid, int SwtpmPid);
