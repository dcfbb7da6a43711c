namespace Portal.Core.Common;

/// <summary>
/// Files that only the service's own user may read (0600 on Unix): embedded databases and the keys the services
/// generate. A backup tool or another local account must not be able to copy them.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Options that create a new file readable by its owner only; fails when the file exists.</summary>
    public static FileStreamOptions CreateNew()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return options;
    }

    /// <summary>
    /// Writes a new owner-only file, whole or not at all (written aside, then moved into place, so a reader never
    /// sees half of it); false when another process created it first.
    /// </summary>
    public static bool TryWriteNew(string path, ReadOnlySpan<byte> content)
    {
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var aside = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var file = new FileStream(aside, CreateNew()))
        {
            file.Write(content);
        }

        try
        {
            File.Move(aside, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(aside);
            return false;
        }
    }

    /// <summary>Creates <paramref name="path"/> empty and owner-only, or takes group and other access away from it.</summary>
    public static void EnsureOwnerOnly(string path)
    {
        if (!File.Exists(path))
        {
            TryWriteNew(path, []);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) & OwnerOnly);
        }
    }
}
