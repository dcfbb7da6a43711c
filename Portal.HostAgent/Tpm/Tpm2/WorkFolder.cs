namespace Portal.HostAgent.Tpm.Tpm2;

/// <summary>
/// An owner-only folder for the files one tpm2-tools sequence needs; deleted with its contents on dispose, so no
/// credential or recovered secret outlives the call that used it.
/// </summary>
internal sealed class WorkFolder : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private WorkFolder(string path) => Path = path;

    public string Path { get; }

    public static WorkFolder Create(string parent)
    {
        CreatePrivate(parent);
        var path = System.IO.Path.Combine(parent, Guid.NewGuid().ToString("N"));
        CreatePrivate(path);
        return new WorkFolder(path);
    }

    /// <summary>A file name inside the folder.</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Reads a file the tool wrote and deletes it at once.</summary>
    public byte[] ReadAndDelete(string name)
    {
        var path = PathOf(name);
        try
        {
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    internal static void CreatePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, OwnerOnly);
        // CreateDirectory leaves an existing folder's mode alone (and the umask may have narrowed ours): set it.
        File.SetUnixFileMode(path, OwnerOnly);
    }
}
