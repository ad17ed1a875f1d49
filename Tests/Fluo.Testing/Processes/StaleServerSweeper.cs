using System.Globalization;

namespace Fluo.Testing.Processes;

/// <summary>
/// Removes what an earlier test process left behind when it died without disposing its fixtures
/// (killed by a timeout or by hand): servers still running from its work directories, and the directories.
/// </summary>
internal static class StaleServerSweeper
{
    public const string OwnerFile = "owner.pid";
    private static int _swept;

    public static void SweepOnce()
    {
        if (Interlocked.Exchange(ref _swept, 1) == 1 || !Directory.Exists(TestEnvironment.TempRoot))
        {
            return;
        }

        foreach (var directory in Directory.GetDirectories(TestEnvironment.TempRoot))
        {
            var owner = ReadPid(Path.Combine(directory, OwnerFile));
            if (owner is null || owner == Environment.ProcessId || Posix.IsAlive(owner.Value))
            {
                continue;
            }

            foreach (var pidFile in Directory.EnumerateFiles(directory, "*.pid", SearchOption.AllDirectories))
            {
                if (Path.GetFileName(pidFile) != OwnerFile && ReadPid(pidFile) is { } pid && IsOurServer(pid))
                {
                    Posix.Signal(pid, Posix.SigKill);
                }
            }

            TestEnvironment.DeleteWorkDirectory(directory);
        }
    }

    private static bool IsOurServer(int pid)
    {
        var commandLine = Posix.CommandLine(pid);
        return commandLine.Contains(TestEnvironment.TempRoot, StringComparison.Ordinal)
            && (commandLine.Contains("nats-server", StringComparison.Ordinal) || commandLine.Contains("postgres", StringComparison.Ordinal));
    }

    private static int? ReadPid(string file)
    {
        try
        {
            return int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
