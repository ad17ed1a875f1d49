namespace Fluo.Processes;

/// <summary>File permissions on Unix (no-ops elsewhere).</summary>
public static class UnixFiles
{
    /// <summary>Makes a file or directory readable and writable (and, for directories, enterable) by its owner only.</summary>
    public static void MakePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (Directory.Exists(path))
        {
            mode |= UnixFileMode.UserExecute;
        }

        File.SetUnixFileMode(path, mode);
    }
}
